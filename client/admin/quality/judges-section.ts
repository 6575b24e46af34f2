/** What the quality page's Judges section derives from the judges' report. Pure, so it is unit-tested. */

/** A confusion matrix of counts as shares of each row (a row with no documents: nulls, drawn as no data). */
export function rowShares(confusion: number[][]): (number | null)[][] {
  return confusion.map((row) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((n) => (total ? n / total : null));
  });
}

/** A share as a whole percentage, or a dash. */
export const percent = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${Math.round(100 * x)}%`);

/** The budget typed into the section: a whole number of human judgments per 1,000 documents within the server's bound. */
export function parseBudget(input: string | number | null): number | null {
  // A number input bound with bind:value gives a number, or null when empty.
  if (input === null || (typeof input === 'string' && input.trim() === '')) return null;
  const n = Number(input);
  return Number.isInteger(n) && n >= 0 && n <= 50_000 ? n : null;
}

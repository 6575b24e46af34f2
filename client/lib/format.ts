/** Shortens text for a table cell; the full text stays available in the expanded row. */
export function truncate(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** A count with thousands separators. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** A date-time in the reader's locale. */
export function when(value: string | Date | null): string {
  return value ? new Date(value).toLocaleString() : '—';
}

/** The word with its first letter in capitals, for headings made from a channel's vocabulary. */
export function capitalized(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** A figure with three decimals, or a dash when it could not be computed. */
export const fixed = (x: number | null | undefined, digits = 3) => (x === null || x === undefined ? '—' : x.toFixed(digits));

/** The mean offset with its 95% interval, signed. */
export function offsetText(offset: { mean: number; low: number; high: number } | null): string {
  if (!offset) return '—';
  return `${offset.mean >= 0 ? '+' : ''}${offset.mean.toFixed(2)} (${offset.low.toFixed(2)} to ${offset.high.toFixed(2)})`;
}

import type { AnnotatorReport } from '../../lib/types.ts';

type Flag = AnnotatorReport['flags'][number];

/** Plain names of the reliability flags; the server's reason gives the numbers behind each. */
export const FLAG_NAMES: Record<Flag['code'], string> = {
  'dominant-label': 'one answer dominates',
  'low-entropy': 'near-uniform answers',
  'position-pattern': 'always picks the same side',
  'too-fast': 'too fast',
  'low-gold-accuracy': 'fails gold items',
};

/** The sortable columns: how each reads its value from a row. */
export const COLUMNS = {
  name: { title: 'Annotator', value: (a: AnnotatorReport) => a.name, numeric: false },
  judgments: { title: 'Judgments', value: (a: AnnotatorReport) => a.judgments, numeric: true },
  goldAccuracy: { title: 'Gold accuracy', value: (a: AnnotatorReport) => a.goldAccuracy, numeric: true },
  consensusAgreement: { title: 'Agrees with consensus', value: (a: AnnotatorReport) => a.consensusAgreement, numeric: true },
  medianSeconds: { title: 'Median time', value: (a: AnnotatorReport) => a.medianSeconds, numeric: true },
  labelEntropy: { title: 'Answer variety', value: (a: AnnotatorReport) => a.labelEntropy, numeric: true },
  flags: { title: 'Flags', value: (a: AnnotatorReport) => a.flags.length, numeric: true },
} as const;

export type ColumnKey = keyof typeof COLUMNS;

/** Rows sorted by a column; figures that could not be computed sort last in either direction. */
export function sortAnnotators(rows: AnnotatorReport[], key: ColumnKey, descending: boolean): AnnotatorReport[] {
  const read = COLUMNS[key].value;
  return [...rows].sort((a, b) => {
    const x = read(a);
    const y = read(b);
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    const order = typeof x === 'string' ? x.localeCompare(String(y)) : x - (y as number);
    return descending ? -order : order;
  });
}

/** A share as a percentage, or a dash when it could not be computed. */
export function share(value: number | null): string {
  return value === null ? '—' : `${Math.round(100 * value)}%`;
}

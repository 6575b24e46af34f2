/** Compact figures for the filter report: shares as percentages, token counts with K/M/B/T suffixes. */

/** A 0..1 share as a percentage, or a dash where there is nothing to measure. */
export function percent(share: number | null): string {
  return share === null ? '—' : `${(share * 100).toFixed(1)}%`;
}

const UNITS: [number, string][] = [
  [1e12, 'T'],
  [1e9, 'B'],
  [1e6, 'M'],
  [1e3, 'K'],
];

/** 20000000000 → "20B"; small numbers stay whole. */
export function compact(n: number | null): string {
  if (n === null) return '—';
  const unit = UNITS.find(([size]) => Math.abs(n) >= size);
  if (!unit) return String(Math.round(n));
  const scaled = n / unit[0];
  return `${scaled >= 100 ? scaled.toFixed(0) : Number(scaled.toPrecision(3))}${unit[1]}`;
}

import type { QualityReport } from '../../lib/types.ts';

/** One bar of a histogram. */
export interface Bar {
  label: string;
  value: number;
  /** Longer wording for the tooltip and screen readers, when the axis label is terse. */
  title?: string;
}

const byNaturalOrder = new Intl.Collator('en', { numeric: true }).compare;

/**
 * The result buckets in display order: the project's classes (scale points, labels) first, so every plot shares one
 * axis and empty classes show as gaps, then anything else the results hold.
 */
export function resultBuckets(report: QualityReport): string[] {
  const classes = report.quality.classes ?? [];
  const extra = [...new Set(report.histogram.map((h) => h.bucket))].filter((b) => !classes.includes(b)).sort(byNaturalOrder);
  return [...classes, ...extra];
}

function barsOf(rows: QualityReport['histogram'], buckets: string[]): Bar[] {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.bucket, (counts.get(row.bucket) ?? 0) + row.n);
  return buckets.map((label) => ({ label, value: counts.get(label) ?? 0 }));
}

/** Results over every source. */
export function overallBars(report: QualityReport): Bar[] {
  return barsOf(report.histogram, resultBuckets(report));
}

/** Results of each source on the shared axis, sources in natural order. */
export function barsBySource(report: QualityReport): { source: string; bars: Bar[]; total: number }[] {
  const buckets = resultBuckets(report);
  const sources = [...new Set(report.histogram.map((h) => h.source))].sort(byNaturalOrder);
  return sources.map((source) => {
    const bars = barsOf(
      report.histogram.filter((h) => h.source === source),
      buckets,
    );
    return { source, bars, total: bars.reduce((sum, b) => sum + b.value, 0) };
  });
}

/** Confidence in tenths, every tenth shown so a lopsided distribution reads as such. */
export function confidenceBars(report: QualityReport): Bar[] {
  const counts = new Map(report.confidence.map((c) => [c.bucket, c.n]));
  return Array.from({ length: 10 }, (_, tenth) => ({
    label: (tenth / 10).toFixed(1),
    value: counts.get(tenth) ?? 0,
    title: `confidence ${(tenth / 10).toFixed(1)}–${((tenth + 1) / 10).toFixed(1)}`,
  }));
}

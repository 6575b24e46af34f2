/** One aggregated item as the filter sees it. */
export interface FilterItem {
  /** The continuous quality score (or 1/0 for a keep/drop label). */
  score: number;
  tokens: number;
  source: string | null;
  /** The reference score from gold or adjudication, where one exists. */
  reference?: number | null;
}

export interface ThresholdReport {
  threshold: number;
  items: number;
  kept: number;
  keptShare: number;
  tokens: number;
  keptTokens: number;
  keptTokenShare: number;
  bySource: { source: string; items: number; kept: number; keptShare: number; keptTokens: number }[];
  /** Against reference items: of those we keep, how many the reference keeps; of those the reference keeps, how many we keep. */
  reference: { items: number; precision: number | null; recall: number | null; f1: number | null };
}

/**
 * What keeping items with `score >= threshold` does, counted one item at a time so a corpus of millions streams
 * through it: kept share overall and per source (the diversity the corpus rests on), kept tokens, and
 * precision/recall of the decision against reference (gold or adjudicated) items, whose own keep decision is
 * `reference >= threshold`.
 */
export class ThresholdTally {
  private count = 0;
  private kept = 0;
  private tokens = 0;
  private keptTokens = 0;
  private truePositive = 0;
  private predictedPositive = 0;
  private actualPositive = 0;
  private referenceItems = 0;
  private readonly sources = new Map<string, { items: number; kept: number; keptTokens: number }>();

  constructor(readonly threshold: number) {}

  /** Counts one item. */
  add(item: FilterItem): void {
    const keep = item.score >= this.threshold;
    const source = item.source ?? '(none)';
    const s = this.sources.get(source) ?? { items: 0, kept: 0, keptTokens: 0 };
    this.sources.set(source, s);
    s.items++;
    this.count++;
    this.tokens += item.tokens;
    if (keep) {
      this.kept++;
      this.keptTokens += item.tokens;
      s.kept++;
      s.keptTokens += item.tokens;
    }
    if (item.reference !== undefined && item.reference !== null) {
      this.referenceItems++;
      const truth = item.reference >= this.threshold;
      if (keep) this.predictedPositive++;
      if (truth) this.actualPositive++;
      if (keep && truth) this.truePositive++;
    }
  }

  /** The report over the items counted so far. */
  report(): ThresholdReport {
    const { count, kept, tokens, keptTokens } = this;
    const precision = this.predictedPositive ? this.truePositive / this.predictedPositive : null;
    const recall = this.actualPositive ? this.truePositive / this.actualPositive : null;
    const f1 = precision !== null && recall !== null && precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : null;
    return {
      threshold: this.threshold,
      items: count,
      kept,
      keptShare: count ? kept / count : 0,
      tokens,
      keptTokens,
      keptTokenShare: tokens ? keptTokens / tokens : 0,
      bySource: [...this.sources]
        .map(([source, s]) => ({ source, items: s.items, kept: s.kept, keptShare: s.kept / s.items, keptTokens: s.keptTokens }))
        .sort((a, b) => b.items - a.items || a.source.localeCompare(b.source)),
      reference: { items: this.referenceItems, precision, recall, f1 },
    };
  }
}

/** The report of keeping `items` with `score >= threshold` (see {@link ThresholdTally}). */
export function thresholdReport(items: readonly FilterItem[], threshold: number): ThresholdReport {
  const tally = new ThresholdTally(threshold);
  for (const item of items) tally.add(item);
  return tally.report();
}

/** One point of the curve beside the admin's slider. */
export function curvePoint(r: ThresholdReport) {
  return {
    threshold: r.threshold,
    keptShare: r.keptShare,
    keptTokenShare: r.keptTokenShare,
    precision: r.reference.precision,
    recall: r.reference.recall,
  };
}

/** Reports at every candidate threshold (e.g. 0, 0.5, …, 5), for the curve beside the admin's slider. */
export function thresholdCurve(items: readonly FilterItem[], thresholds: readonly number[]) {
  return thresholds.map((t) => curvePoint(thresholdReport(items, t)));
}

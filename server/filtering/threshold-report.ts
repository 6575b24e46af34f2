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
 * What keeping items with `score >= threshold` does: kept share overall and per source (the diversity the corpus
 * rests on), kept tokens, and precision/recall of the decision against reference (gold or adjudicated) items,
 * whose own keep decision is `reference >= threshold`.
 */
export function thresholdReport(items: readonly FilterItem[], threshold: number): ThresholdReport {
  let kept = 0;
  let tokens = 0;
  let keptTokens = 0;
  let truePositive = 0;
  let predictedPositive = 0;
  let actualPositive = 0;
  let referenceItems = 0;
  const sources = new Map<string, { items: number; kept: number; keptTokens: number }>();
  for (const item of items) {
    const keep = item.score >= threshold;
    const source = item.source ?? '(none)';
    const s = sources.get(source) ?? { items: 0, kept: 0, keptTokens: 0 };
    sources.set(source, s);
    s.items++;
    tokens += item.tokens;
    if (keep) {
      kept++;
      keptTokens += item.tokens;
      s.kept++;
      s.keptTokens += item.tokens;
    }
    if (item.reference !== undefined && item.reference !== null) {
      referenceItems++;
      const truth = item.reference >= threshold;
      if (keep) predictedPositive++;
      if (truth) actualPositive++;
      if (keep && truth) truePositive++;
    }
  }
  const precision = predictedPositive ? truePositive / predictedPositive : null;
  const recall = actualPositive ? truePositive / actualPositive : null;
  const f1 = precision !== null && recall !== null && precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : null;
  return {
    threshold,
    items: items.length,
    kept,
    keptShare: items.length ? kept / items.length : 0,
    tokens,
    keptTokens,
    keptTokenShare: tokens ? keptTokens / tokens : 0,
    bySource: [...sources]
      .map(([source, s]) => ({ source, items: s.items, kept: s.kept, keptShare: s.kept / s.items, keptTokens: s.keptTokens }))
      .sort((a, b) => b.items - a.items || a.source.localeCompare(b.source)),
    reference: { items: referenceItems, precision, recall, f1 },
  };
}

/** Reports at every candidate threshold (e.g. 0, 0.5, …, 5), for the curve beside the admin's slider. */
export function thresholdCurve(items: readonly FilterItem[], thresholds: readonly number[]) {
  return thresholds.map((t) => {
    const r = thresholdReport(items, t);
    return { threshold: t, keptShare: r.keptShare, keptTokenShare: r.keptTokenShare, precision: r.reference.precision, recall: r.reference.recall };
  });
}

import { groupByItem } from './group-by-item.ts';

/** Distance metric for Krippendorff's alpha. */
export type AlphaMetric = 'nominal' | 'ordinal' | 'interval';

/** Values given to units (items); coders are irrelevant to alpha, missing values are simply absent. */
export interface ReliabilityData {
  nUnits: number;
  unit: Int32Array;
  value: Float64Array;
}

/** Alpha with its ingredients, for reporting. */
export interface AlphaResult {
  alpha: number;
  /** Pairable values: those in units with at least two values. */
  pairable: number;
  observedDisagreement: number;
  expectedDisagreement: number;
}

/**
 * Krippendorff's alpha via the coincidence matrix (Krippendorff 2011, "Computing Krippendorff's
 * Alpha-Reliability"). Handles missing data and any number of coders; pass a subset of judgments to get
 * alpha for that subset. Alpha is NaN when there is no variation to disagree about.
 */
export function krippendorffAlpha(data: ReliabilityData, metric: AlphaMetric): AlphaResult {
  const values = [...new Set(data.value)].sort((a, b) => a - b);
  const V = values.length;
  const code = new Map(values.map((v, c) => [v, c]));
  const coincidence = new Float64Array(V * V);
  const { start, order } = groupByItem(data.unit, data.nUnits);
  const counts = new Float64Array(V);
  for (let u = 0; u < data.nUnits; u++) {
    const m = start[u + 1] - start[u];
    if (m < 2) continue;
    const present: number[] = [];
    for (let r = start[u]; r < start[u + 1]; r++) {
      const c = code.get(data.value[order[r]])!;
      if (counts[c]++ === 0) present.push(c);
    }
    for (const c of present) {
      for (const k of present) coincidence[c * V + k] += (counts[c] * (c === k ? counts[k] - 1 : counts[k])) / (m - 1);
    }
    for (const c of present) counts[c] = 0;
  }
  const marginal = new Float64Array(V);
  let n = 0;
  for (let c = 0; c < V; c++) for (let k = 0; k < V; k++) marginal[c] += coincidence[c * V + k];
  for (let c = 0; c < V; c++) n += marginal[c];

  const cumulative = new Float64Array(V + 1);
  for (let c = 0; c < V; c++) cumulative[c + 1] = cumulative[c] + marginal[c];
  const distance = (c: number, k: number): number => {
    if (c === k) return 0;
    if (metric === 'nominal') return 1;
    if (metric === 'interval') return (values[c] - values[k]) ** 2;
    const lo = Math.min(c, k);
    const hi = Math.max(c, k);
    return (cumulative[hi + 1] - cumulative[lo] - (marginal[c] + marginal[k]) / 2) ** 2;
  };
  let observed = 0;
  let expected = 0;
  for (let c = 0; c < V; c++) {
    for (let k = 0; k < V; k++) {
      const d = distance(c, k);
      observed += coincidence[c * V + k] * d;
      expected += marginal[c] * marginal[k] * d;
    }
  }
  const observedDisagreement = observed / n;
  const expectedDisagreement = expected / (n * (n - 1));
  return { alpha: 1 - observedDisagreement / expectedDisagreement, pairable: n, observedDisagreement, expectedDisagreement };
}

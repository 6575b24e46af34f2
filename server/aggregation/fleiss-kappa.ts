import type { CategoricalJudgments } from './types.ts';
import { voteTable } from './posterior.ts';

/** Judgments for agreement statistics: workers are not needed, only which item got which class. */
export type LabeledItems = Pick<CategoricalJudgments, 'nItems' | 'nClasses' | 'item' | 'label'>;

/** Fleiss' kappa with its observed and chance agreement. */
export interface FleissResult {
  kappa: number;
  /** Mean per-item pairwise agreement P̄ (this is also the percent agreement). */
  observed: number;
  /** Chance agreement P_e = Σ p_j². */
  expected: number;
  /** Items with at least two judgments, the only ones that count. */
  items: number;
}

/**
 * Fleiss (1971) kappa. Items may have different numbers of raters (each item's agreement uses its own
 * count); items with fewer than two judgments are left out. Pass a subset of judgments for a subset.
 */
export function fleissKappa(data: LabeledItems): FleissResult {
  const K = data.nClasses;
  const counts = voteTable({ ...data, nWorkers: 1, worker: new Int32Array(data.item.length) });
  const classTotals = new Float64Array(K);
  let agreementSum = 0;
  let items = 0;
  let judgments = 0;
  for (let i = 0, o = 0; i < data.nItems; i++, o += K) {
    let m = 0;
    let squares = 0;
    for (let k = 0; k < K; k++) {
      m += counts[o + k];
      squares += counts[o + k] * counts[o + k];
    }
    if (m < 2) continue;
    items++;
    judgments += m;
    agreementSum += (squares - m) / (m * (m - 1));
    for (let k = 0; k < K; k++) classTotals[k] += counts[o + k];
  }
  let expected = 0;
  for (let k = 0; k < K; k++) expected += (classTotals[k] / judgments) ** 2;
  const observed = agreementSum / items;
  return { kappa: (observed - expected) / (1 - expected), observed, expected, items };
}

/** Percent agreement: the mean share of agreeing judgment pairs per item (items with two or more judgments). */
export function percentAgreement(data: LabeledItems): number {
  return fleissKappa(data).observed;
}

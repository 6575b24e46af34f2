import type { CategoricalJudgments, CategoricalResult } from './types.ts';
import { agreementWithReference, decide, tallyAgreement, voteTable } from './posterior.ts';
import { assertCategorical } from './validate.ts';

/** Plain majority vote; confidence is the winning vote share and ties go to the lowest class index. */
export function majorityVote(data: CategoricalJudgments): CategoricalResult {
  assertCategorical(data);
  return decide(voteTable(data), data.nItems, data.nClasses, { iterations: 0, converged: true });
}

/** Vote where each judgment counts its worker's weight; workers with weight 0 are ignored. */
export function weightedVote(data: CategoricalJudgments, workerWeight: Float64Array): CategoricalResult {
  assertCategorical(data);
  if (workerWeight.length !== data.nWorkers) throw new RangeError('workerWeight must have one entry per worker');
  return decide(voteTable(data, workerWeight), data.nItems, data.nClasses, { iterations: 0, converged: true });
}

/** A weighted vote together with the weights it used. */
export type WeightedVoteResult = CategoricalResult & { workerWeight: Float64Array };

/**
 * Vote weighted by each worker's accuracy on gold items (`gold[i]` is the true class or -1). Accuracy is
 * Laplace-smoothed so one lucky answer is not a perfect score; workers with no gold answers get the mean
 * weight of those who have.
 */
export function goldWeightedVote(data: CategoricalJudgments, gold: Int32Array): WeightedVoteResult {
  assertCategorical(data);
  const { hits, seen } = tallyAgreement(data, gold);
  const workerWeight = new Float64Array(data.nWorkers);
  let sum = 0;
  let scored = 0;
  for (let w = 0; w < data.nWorkers; w++) {
    if (seen[w] === 0) continue;
    workerWeight[w] = (hits[w] + 1) / (seen[w] + 2);
    sum += workerWeight[w];
    scored++;
  }
  const fallback = scored > 0 ? sum / scored : 1;
  for (let w = 0; w < data.nWorkers; w++) if (seen[w] === 0) workerWeight[w] = fallback;
  return { ...weightedVote(data, workerWeight), workerWeight };
}

/**
 * Wawa (worker agreement with aggregate): weights are each worker's agreement with the majority vote,
 * for when there is no gold.
 */
export function wawa(data: CategoricalJudgments): WeightedVoteResult {
  const workerWeight = agreementWithReference(data, majorityVote(data).label);
  for (let w = 0; w < data.nWorkers; w++) if (Number.isNaN(workerWeight[w])) workerWeight[w] = 0;
  return { ...weightedVote(data, workerWeight), workerWeight };
}

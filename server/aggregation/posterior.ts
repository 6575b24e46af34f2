import type { CategoricalJudgments, CategoricalResult } from './types.ts';

/**
 * Reads the decision off a per-item score table (posterior or votes): the top class, its normalised share,
 * and whether it was tied. Ties go to the lowest class index, which with labels encoded in sorted string
 * order matches crowd-kit's pandas-based tie-breaking. Rows that are all zero (items nobody judged) get -1.
 * With `eligible` (`nItems × nClasses`, nonzero where a class may be chosen, e.g. a vote table) the top class is
 * sought among the eligible ones; the confidence is still its share of the whole row.
 */
export function decide(
  scores: Float64Array,
  nItems: number,
  nClasses: number,
  fit: { iterations: number; converged: boolean },
  eligible?: ArrayLike<number>,
): CategoricalResult {
  const label = new Int32Array(nItems);
  const confidence = new Float64Array(nItems);
  const tied = new Uint8Array(nItems);
  const posterior = new Float64Array(scores.length);
  let ties = 0;
  for (let i = 0, o = 0; i < nItems; i++, o += nClasses) {
    let best = -1;
    let sum = 0;
    for (let k = 0; k < nClasses; k++) {
      sum += scores[o + k];
      if (eligible && !eligible[o + k]) continue;
      if (best < 0 || scores[o + k] > scores[o + best]) best = k;
    }
    if (sum <= 0 || best < 0) {
      label[i] = -1;
      for (let k = 0; k < nClasses; k++) posterior[o + k] = 1 / nClasses;
      continue;
    }
    // Relative tolerance so EM posteriors that differ only by rounding still count as a tie.
    const top = scores[o + best];
    for (let k = 0; k < nClasses; k++) {
      posterior[o + k] = scores[o + k] / sum;
      if (k !== best && (!eligible || eligible[o + k]) && Math.abs(scores[o + k] - top) <= 1e-12 * top) tied[i] = 1;
    }
    ties += tied[i];
    label[i] = best;
    confidence[i] = top / sum;
  }
  return { label, confidence, posterior, tied, ties, tieBreak: 'lowest-class-index', ...fit };
}

/** Count table `nItems × nClasses`, each judgment adding its weight (1 by default) to its item's class. */
export function voteTable(data: CategoricalJudgments, workerWeight?: Float64Array): Float64Array {
  const { nClasses, item, worker, label } = data;
  const votes = new Float64Array(data.nItems * nClasses);
  for (let j = 0; j < item.length; j++) {
    votes[item[j] * nClasses + label[j]] += workerWeight ? workerWeight[worker[j]] : 1;
  }
  return votes;
}

/** Per worker: judgments on items with a reference label (`seen`) and how many of them match it (`hits`). */
export function tallyAgreement(data: CategoricalJudgments, reference: Int32Array): { hits: Float64Array; seen: Float64Array } {
  const hits = new Float64Array(data.nWorkers);
  const seen = new Float64Array(data.nWorkers);
  for (let j = 0; j < data.item.length; j++) {
    const truth = reference[data.item[j]];
    if (truth < 0) continue;
    seen[data.worker[j]]++;
    if (data.label[j] === truth) hits[data.worker[j]]++;
  }
  return { hits, seen };
}

/** Per-worker share of judgments that match a per-item reference label (NaN when a worker has none scored). */
export function agreementWithReference(data: CategoricalJudgments, reference: Int32Array): Float64Array {
  const { hits, seen } = tallyAgreement(data, reference);
  for (let w = 0; w < data.nWorkers; w++) hits[w] = seen[w] > 0 ? hits[w] / seen[w] : NaN;
  return hits;
}

/** Zeroes the posterior rows of items nobody judged, so `decide` reports them as unlabeled (-1). */
export function clearUnjudged(posterior: Float64Array, data: CategoricalJudgments): void {
  const judged = new Uint8Array(data.nItems);
  for (let j = 0; j < data.item.length; j++) judged[data.item[j]] = 1;
  for (let i = 0; i < data.nItems; i++) if (!judged[i]) posterior.fill(0, i * data.nClasses, (i + 1) * data.nClasses);
}

/** Class prior: mean posterior over judged items plus a pseudo-count, normalised. */
export function classPrior(posterior: Float64Array, nItems: number, nClasses: number, pseudoCount: number): Float64Array {
  const prior = new Float64Array(nClasses).fill(pseudoCount);
  for (let i = 0, o = 0; i < nItems; i++, o += nClasses) for (let k = 0; k < nClasses; k++) prior[k] += posterior[o + k];
  let sum = 0;
  for (let k = 0; k < nClasses; k++) sum += prior[k];
  for (let k = 0; k < nClasses; k++) prior[k] /= sum;
  return prior;
}

/** The posterior an EM fit starts from: a caller's warm start, else vote shares (majority vote). */
export function initialPosterior(data: CategoricalJudgments, warmStart?: Float64Array): Float64Array {
  const expected = data.nItems * data.nClasses;
  if (warmStart) {
    if (warmStart.length !== expected) throw new RangeError(`warm start must hold nItems × nClasses = ${expected} values`);
    return Float64Array.from(warmStart);
  }
  const votes = voteTable(data);
  const rows = data.nItems;
  for (let i = 0, o = 0; i < rows; i++, o += data.nClasses) {
    let sum = 0;
    for (let k = 0; k < data.nClasses; k++) sum += votes[o + k];
    if (sum > 0) for (let k = 0; k < data.nClasses; k++) votes[o + k] /= sum;
  }
  return votes;
}

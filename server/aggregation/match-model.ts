import type { CategoricalJudgments } from './types.ts';
import { softmaxRows } from './numeric.ts';

/**
 * E-step for models where a judgment's likelihood only depends on whether its label equals the true class
 * (one-coin Dawid-Skene, MACE, GLAD): judgment j contributes `logMatch[j]` to its label's class and
 * `logMiss[j]` to every other class. Overwrites `posterior` with the normalised posterior and returns the
 * data log-likelihood.
 */
export function matchModelEStep(
  posterior: Float64Array,
  data: CategoricalJudgments,
  logPrior: Float64Array,
  logMatch: Float64Array,
  logMiss: Float64Array,
): number {
  const { nItems, nClasses: K, item, label } = data;
  for (let i = 0, o = 0; i < nItems; i++, o += K) posterior.set(logPrior, o);
  for (let j = 0; j < item.length; j++) {
    const o = item[j] * K;
    for (let t = 0; t < K; t++) posterior[o + t] += logMiss[j];
    posterior[o + label[j]] += logMatch[j] - logMiss[j];
  }
  return softmaxRows(posterior, nItems, K);
}

/** Per worker, Σ over their judgments of the posterior that the judgment's label is the true class. */
export function expectedCorrect(posterior: Float64Array, data: CategoricalJudgments): { correct: Float64Array; total: Float64Array } {
  const correct = new Float64Array(data.nWorkers);
  const total = new Float64Array(data.nWorkers);
  for (let j = 0; j < data.item.length; j++) {
    correct[data.worker[j]] += posterior[data.item[j] * data.nClasses + data.label[j]];
    total[data.worker[j]]++;
  }
  return { correct, total };
}

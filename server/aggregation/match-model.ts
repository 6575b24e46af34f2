import type { CategoricalJudgments } from './types.ts';
import { repeatRow, softmaxRows } from './numeric.ts';

/**
 * E-step for models where a judgment's likelihood only depends on whether its label equals the true class
 * (one-coin Dawid-Skene, MACE, GLAD): judgment j contributes `logMatch[c]` to its label's class and
 * `logMiss[c]` to every other class, where c is `cellOf[j]`, or j itself without `cellOf`. A model whose
 * likelihoods depend on the worker (and label) alone keeps one entry per worker (and label) and names it by
 * `cellOf`; its E-step then runs in linear space (see linearEStep). Overwrites `posterior` with the normalised
 * posterior and returns the data log-likelihood.
 */
export function matchModelEStep(
  posterior: Float64Array,
  data: CategoricalJudgments,
  logPrior: Float64Array,
  logMatch: Float64Array,
  logMiss: Float64Array,
  cellOf?: Int32Array,
): number {
  if (cellOf) {
    const logLikelihood = linearEStep(posterior, data, logPrior, logMatch, logMiss, cellOf);
    if (logLikelihood !== null) return logLikelihood;
  }
  const { nItems, nClasses: K, item, label } = data;
  repeatRow(posterior, logPrior);
  for (let j = 0; j < item.length; j++) {
    const o = item[j] * K;
    const c = cellOf ? cellOf[j] : j;
    const miss = logMiss[c];
    for (let t = 0; t < K; t++) posterior[o + t] += miss;
    posterior[o + label[j]] += logMatch[c] - miss;
  }
  return softmaxRows(posterior, nItems, K);
}

// Rows whose sum falls outside these bounds are too near underflow or overflow for the linear E-step to keep
// full precision; the log-space one then runs instead.
const linearSumFloor = 1e-280;
const linearSumCeiling = 1e280;

/**
 * The match-model E-step as products: an item's row is prior[t] × Π over its judgments labelled t of
 * exp(logMatch − logMiss), the factor every class shares (Π exp(logMiss)) cancelling in the normalisation and
 * re-entering the log-likelihood as Σ logMiss. One multiplication per judgment and one log per item instead of
 * K additions per judgment and K exponentials per item: MACE's ten restarts spent most of their time in those
 * exponentials. Equal to the log-space result up to rounding; returns null, leaving `posterior` to be
 * overwritten, when a row's sum leaves the range where that holds (many judgments with extreme ratios).
 */
export function linearEStep(
  posterior: Float64Array,
  data: CategoricalJudgments,
  logPrior: Float64Array,
  logMatch: Float64Array,
  logMiss: Float64Array,
  cellOf: Int32Array,
): number | null {
  const { nItems, nClasses: K, item, label } = data;
  const ratio = new Float64Array(logMatch.length);
  for (let c = 0; c < ratio.length; c++) ratio[c] = Math.exp(logMatch[c] - logMiss[c]);
  repeatRow(posterior, logPrior.map(Math.exp));
  let logLikelihood = 0;
  for (let j = 0; j < item.length; j++) {
    const c = cellOf[j];
    posterior[item[j] * K + label[j]] *= ratio[c];
    logLikelihood += logMiss[c];
  }
  for (let i = 0, o = 0; i < nItems; i++, o += K) {
    let sum = 0;
    for (let t = 0; t < K; t++) sum += posterior[o + t];
    if (!(sum > linearSumFloor && sum < linearSumCeiling)) return null;
    for (let t = 0; t < K; t++) posterior[o + t] /= sum;
    logLikelihood += Math.log(sum);
  }
  return logLikelihood;
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

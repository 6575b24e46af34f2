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

/**
 * The judgments regrouped by item, for passes that finish one item's row before the next: item i's judgments are
 * `itemStart[i]` to `itemStart[i + 1]`, in their input order (so input already grouped by item, as answer files and
 * stores list it, is summed in the same order), with `slot` each one's posterior cell (item × K + label) and
 * `cell` its entry in the caller's per-cell tables, and `cellCount[c]` the judgments in cell c.
 */
export interface ItemRuns {
  itemStart: Int32Array;
  slot: Int32Array;
  cell: Int32Array;
  cellCount: Float64Array;
}

/** {@link ItemRuns} of the judgments, `cellOf[j]` (below `nCells`) naming judgment j's cell. A stable counting sort by item. */
export function itemRuns(data: CategoricalJudgments, cellOf: Int32Array, nCells: number): ItemRuns {
  const { nItems, nClasses: K, item, label } = data;
  const n = item.length;
  const itemStart = new Int32Array(nItems + 1);
  for (let j = 0; j < n; j++) itemStart[item[j] + 1]++;
  for (let i = 0; i < nItems; i++) itemStart[i + 1] += itemStart[i];
  const next = itemStart.slice(0, nItems);
  const slot = new Int32Array(n);
  const cell = new Int32Array(n);
  const cellCount = new Float64Array(nCells);
  for (let j = 0; j < n; j++) {
    const k = next[item[j]]++;
    slot[k] = item[j] * K + label[j];
    cell[k] = cellOf[j];
    cellCount[cellOf[j]]++;
  }
  return { itemStart, slot, cell, cellCount };
}

/**
 * {@link linearEStep} item by item, tallying as it goes what a match model's M-step reads, so the judgments are
 * walked once per iteration instead of three times (E-step, normalisation, M-step): `correctSum[c]` gains each
 * judgment's posterior on its own label and `classMass[t]` every item's posterior on t (both as the caller left
 * them, e.g. zeroed or at a pseudo-count). Returns the data log-likelihood, or null where the linear E-step's
 * precision fails; `posterior`, `correctSum` and `classMass` are then partly written and the caller runs the
 * log-space E-step and tallies instead.
 */
export function linearEStepWithTallies(
  posterior: Float64Array,
  runs: ItemRuns,
  K: number,
  logPrior: Float64Array,
  logMatch: Float64Array,
  logMiss: Float64Array,
  correctSum: Float64Array,
  classMass: Float64Array,
): number | null {
  const { itemStart, slot, cell, cellCount } = runs;
  const nItems = itemStart.length - 1;
  const ratio = new Float64Array(logMatch.length);
  let logLikelihood = 0;
  // Σ logMiss over the judgments, summed by cell.
  for (let c = 0; c < ratio.length; c++) {
    ratio[c] = Math.exp(logMatch[c] - logMiss[c]);
    if (cellCount[c] > 0) logLikelihood += cellCount[c] * logMiss[c];
  }
  const prior = logPrior.map(Math.exp);
  // Σ log(row sum) as the logarithm of their running product, taken when the product leaves [1e-100, 1e100] (it
  // cannot overflow: each factor within those bounds, others logged alone). A logarithm per item was a third of
  // MACE's time at 10^6 answers.
  let product = 1;
  for (let i = 0, o = 0; i < nItems; i++, o += K) {
    for (let t = 0; t < K; t++) posterior[o + t] = prior[t];
    const end = itemStart[i + 1];
    for (let k = itemStart[i]; k < end; k++) posterior[slot[k]] *= ratio[cell[k]];
    let sum = 0;
    for (let t = 0; t < K; t++) sum += posterior[o + t];
    if (!(sum > linearSumFloor && sum < linearSumCeiling)) return null;
    const inverse = 1 / sum;
    for (let t = 0; t < K; t++) classMass[t] += posterior[o + t] *= inverse;
    if (sum > productFloor && sum < productCeiling) {
      product *= sum;
      if (!(product > productFloor && product < productCeiling)) {
        logLikelihood += Math.log(product);
        product = 1;
      }
    } else logLikelihood += Math.log(sum);
    for (let k = itemStart[i]; k < end; k++) correctSum[cell[k]] += posterior[slot[k]];
  }
  return logLikelihood + Math.log(product);
}

const productFloor = 1e-100;
const productCeiling = 1e100;

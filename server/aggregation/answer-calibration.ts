import type { CategoricalJudgments, CategoricalResult } from './types.ts';
import { digamma, digammaDifference } from './numeric.ts';

/** Options for {@link calibrateFromAnswers}. */
export interface AnswerCalibrationOptions {
  /** Dirichlet pseudo-count on every cell of every worker's confusion matrix (default 1). */
  confusionPrior?: number;
  /** Extra pseudo-count on the diagonal: a worker is assumed better than chance until shown otherwise (default 1). */
  diagonalPrior?: number;
}

/** A result whose confidences come from the answers' own evidence, and the weight that evidence was given. */
export interface AnswerCalibration {
  result: CategoricalResult;
  /**
   * Weight in (0, 1] on each judgment's log-likelihood, chosen by how well the tempered posterior predicts each
   * judgment left out of it; below 1 where workers' errors go together more than independent answers would.
   */
  temperature: number;
}

// Golden-section search bounds for the temperature: below 0.02 every item reads as its class prior.
const minTemperature = 0.02;
const maxTemperature = 1;
const heldOutSample = 100_000;

/**
 * Confidence from the answers alone that means what it says, for any method's labels (labels are kept).
 *
 * Methods fit each worker's reliability as a point estimate and multiply judgments as independent, so a worker seen
 * agreeing a few hundred times gets an error rate near 0 and ten answers near 1. Here the method's posterior gives
 * every worker a Dirichlet posterior over a full confusion matrix (counts: the posterior mass behind each answer,
 * plus pseudo-counts), and an item's evidence is Σ E[log π] over its judgments, which tempers workers seen on few
 * items. Each item is scored with its own answers taken out of its workers' counts and out of the class prior, so an
 * answer never vouches for itself (on the shared venanzi_cf set, 3.7 answers per worker, that alone took Dawid-Skene's
 * calibration error from 0.097 to 0.057; on a 5-item fixture it makes every item humble). The evidence is then weighted by one temperature τ ≤ 1, picked to maximise the predictive likelihood of
 * each judgment given the item's other judgments (with the judgment also taken out of its worker's counts), so
 * answers that go together, as on hard items, count for less than independent ones. The confidence reported is the
 * tempered posterior of the method's chosen label. Measured on the shared crowd datasets in
 * test/unit/aggregation/crowd-datasets.test.ts.
 */
export function calibrateFromAnswers(
  data: CategoricalJudgments,
  result: CategoricalResult,
  options: AnswerCalibrationOptions = {},
): AnswerCalibration {
  const { nItems, nWorkers, nClasses: K, item, worker, label } = data;
  const n = item.length;
  if (n === 0) return { result, temperature: 1 };
  const q = result.posterior;
  const confusionPrior = options.confusionPrior ?? 1;
  const diagonalPrior = options.diagonalPrior ?? 1;

  // counts[(w·K + t)·K + l]: posterior mass of true class t behind worker w's answers l, plus the prior.
  const counts = new Float64Array(nWorkers * K * K).fill(confusionPrior);
  for (let w = 0; w < nWorkers; w++) for (let t = 0; t < K; t++) counts[(w * K + t) * K + t] += diagonalPrior;
  const judged = new Uint8Array(nItems);
  for (let j = 0; j < n; j++) {
    const o = item[j] * K;
    judged[item[j]] = 1;
    for (let t = 0; t < K; t++) counts[(worker[j] * K + t) * K + label[j]] += q[o + t];
  }
  const rowTotal = new Float64Array(nWorkers * K);
  for (let r = 0; r < nWorkers * K; r++) for (let l = 0; l < K; l++) rowTotal[r] += counts[r * K + l];
  const classCounts = new Float64Array(K).fill(1);
  for (let i = 0; i < nItems; i++) if (judged[i]) for (let t = 0; t < K; t++) classCounts[t] += q[i * K + t];
  // The class prior each item is scored with leaves that item out as well, for the same reason.
  const logPrior = new Float64Array(nItems * K);
  for (let i = 0, o = 0; i < nItems; i++, o += K) {
    if (!judged[i]) continue;
    let total = 0;
    for (let t = 0; t < K; t++) total += classCounts[t] - q[o + t];
    const psiTotal = digamma(total);
    for (let t = 0; t < K; t++) logPrior[o + t] = digamma(classCounts[t] - q[o + t]) - psiTotal;
  }

  // Each judgment's E[log π_w(t, l_j)] with its own item's mass taken out of the worker's counts: with it left in,
  // an item one worker judged alone vouches for itself through that worker's record. Summed per item as evidence.
  // One parameter needs no million answers to fit: past heldOutSample judgments the search reads an even stride of
  // them, whose terms are kept for it; the others only add to their item's evidence.
  const stride = Math.max(1, Math.floor(n / heldOutSample));
  const sampled = Math.ceil(n / stride);
  const sampleLogLikelihood = new Float64Array(sampled * K);
  const evidence = new Float64Array(nItems * K);
  for (let j = 0; j < n; j++) {
    const o = item[j] * K;
    const kept = j % stride === 0 ? (j / stride) * K : -1;
    for (let t = 0; t < K; t++) {
      const row = worker[j] * K + t;
      const own = q[o + t];
      const value = digammaDifference(counts[row * K + label[j]] - own, rowTotal[row] - own);
      if (kept >= 0) sampleLogLikelihood[kept + t] = value;
      evidence[o + t] += value;
    }
  }

  // Per sampled judgment and class: the score's parts that do not depend on τ, score = fixed + τ·evidenceWithout,
  // and the worker's predictive probability of this answer with the answer itself taken out of their counts.
  // Computed once, the search's twenty-odd evaluations then take one exponential per cell and nothing else.
  const fixed = new Float64Array(sampled * K);
  const evidenceWithout = new Float64Array(sampled * K);
  const predictive = new Float64Array(sampled * K);
  for (let s = 0, j = 0; s < sampled; s++, j += stride) {
    const o = item[j] * K;
    for (let t = 0; t < K; t++) {
      const row = worker[j] * K + t;
      fixed[s * K + t] = logPrior[o + t];
      evidenceWithout[s * K + t] = evidence[o + t] - sampleLogLikelihood[s * K + t];
      predictive[s * K + t] = (counts[row * K + label[j]] - q[o + t]) / (rowTotal[row] - q[o + t]);
    }
  }
  const scores = new Float64Array(K);
  const heldOutLogLikelihood = (tau: number) => {
    let total = 0;
    for (let s = 0, c = 0; s < sampled; s++, c += K) {
      let max = -Infinity;
      for (let t = 0; t < K; t++) {
        scores[t] = fixed[c + t] + tau * evidenceWithout[c + t];
        if (scores[t] > max) max = scores[t];
      }
      let norm = 0;
      let predicted = 0;
      for (let t = 0; t < K; t++) {
        const weight = Math.exp(scores[t] - max);
        norm += weight;
        predicted += weight * predictive[c + t];
      }
      total += Math.log(predicted / norm);
    }
    return total;
  };
  const temperature = Math.exp(goldenSectionMax((x) => heldOutLogLikelihood(Math.exp(x)), Math.log(minTemperature), Math.log(maxTemperature)));

  const posterior = Float64Array.from(q);
  const confidence = Float64Array.from(result.confidence);
  for (let i = 0, o = 0; i < nItems; i++, o += K) {
    if (!judged[i] || result.label[i] < 0) continue;
    let max = -Infinity;
    for (let t = 0; t < K; t++) max = Math.max(max, (posterior[o + t] = logPrior[o + t] + temperature * evidence[o + t]));
    let sum = 0;
    for (let t = 0; t < K; t++) sum += posterior[o + t] = Math.exp(posterior[o + t] - max);
    for (let t = 0; t < K; t++) posterior[o + t] /= sum;
    confidence[i] = posterior[o + result.label[i]];
  }
  return { result: { ...result, posterior, confidence }, temperature };
}

/** Argmax of a unimodal function on [low, high] by golden-section search (to about 1e-4 of the interval). */
function goldenSectionMax(f: (x: number) => number, low: number, high: number): number {
  const ratio = (Math.sqrt(5) - 1) / 2;
  let a = low;
  let b = high;
  let c = b - ratio * (b - a);
  let d = a + ratio * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let it = 0; it < 20; it++) {
    if (fc > fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - ratio * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + ratio * (b - a);
      fd = f(d);
    }
  }
  return (a + b) / 2;
}

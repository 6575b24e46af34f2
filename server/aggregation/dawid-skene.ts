import type { CategoricalJudgments, CategoricalResult, IterativeOptions } from './types.ts';
import { classPrior, clearUnjudged, decide, initialPosterior } from './posterior.ts';
import { runEm } from './em-loop.ts';
import { softmaxRowsNegativeEntropy } from './numeric.ts';
import { assertCategorical } from './validate.ts';

/** counts[worker][label][t] += posterior[item][t] for every judgment: the M-step's data term. */
function addPosteriorToCounts(counts: Float64Array, posterior: Float64Array, data: CategoricalJudgments): void {
  const { item, worker, label, nClasses: K } = data;
  for (let j = 0; j < item.length; j++) {
    const p = item[j] * K;
    const c = (worker[j] * K + label[j]) * K;
    for (let t = 0; t < K; t++) counts[c + t] += posterior[p + t];
  }
}

/** scores[item][t] += log P(label | t) for every judgment: the E-step's data term. */
function addLogConfusion(scores: Float64Array, logConfusion: Float64Array, data: CategoricalJudgments): void {
  const { item, worker, label, nClasses: K } = data;
  for (let j = 0; j < item.length; j++) {
    const p = item[j] * K;
    const c = (worker[j] * K + label[j]) * K;
    for (let t = 0; t < K; t++) scores[p + t] += logConfusion[c + t];
  }
}

/** Options for Dawid-Skene. */
export interface DawidSkeneOptions extends IterativeOptions {
  /** Pseudo-count added to every confusion cell and class prior, keeping logs finite (default 1e-10: crowd-kit's clip at machine epsilon, in spirit). */
  smoothing?: number;
  /**
   * Extra pseudo-count on each confusion matrix's diagonal (a Dirichlet prior that workers are better than
   * chance); keeps workers with few judgments from getting extreme matrices (default 1).
   */
  diagonalPrior?: number;
  /** `nItems × nClasses` posterior to start from (e.g. the previous run's, padded for new items). */
  warmStart?: Float64Array;
}

/** Dawid-Skene output: per-item decision plus each worker's full confusion matrix and the class prior. */
export type DawidSkeneResult = CategoricalResult & {
  /** `nWorkers × nClasses × nClasses`: entry [w][t][l] = P(worker w answers l | true class t). */
  confusion: Float64Array;
  classPrior: Float64Array;
  /** Final evidence lower bound (the EM objective). */
  evidenceLowerBound: number;
};

/**
 * Dawid & Skene (1979) EM with a full confusion matrix per worker, started from majority-vote shares (or
 * a warm start). Work per iteration is O(judgments × classes) over flat typed arrays; the E-step sums logs.
 */
export function dawidSkene(data: CategoricalJudgments, options: DawidSkeneOptions = {}): DawidSkeneResult {
  assertCategorical(data);
  const { nItems, nWorkers, nClasses: K, item } = data;
  const smoothing = options.smoothing ?? 1e-10;
  const diagonalPrior = options.diagonalPrior ?? 1;
  const n = item.length;
  const posterior = initialPosterior(data, options.warmStart);
  // Kept as [worker][observed][true] so the E-step's inner loop over true classes reads contiguous memory.
  const counts = new Float64Array(nWorkers * K * K);
  const logConfusion = new Float64Array(nWorkers * K * K);
  let prior: Float64Array = new Float64Array(K);

  const pseudoCounts = new Float64Array(nWorkers * K * K).fill(smoothing);
  for (let w = 0; w < nWorkers; w++) for (let t = 0; t < K; t++) pseudoCounts[(w * K + t) * K + t] += diagonalPrior;
  const logPrior = new Float64Array(K);

  const mStep = () => {
    counts.set(pseudoCounts);
    addPosteriorToCounts(counts, posterior, data);
    for (let w = 0; w < nWorkers; w++) {
      const base = w * K * K;
      for (let t = 0; t < K; t++) {
        let total = 0;
        for (let l = 0; l < K; l++) total += counts[base + l * K + t];
        const logTotal = Math.log(total);
        for (let l = 0; l < K; l++) logConfusion[base + l * K + t] = Math.log(counts[base + l * K + t]) - logTotal;
      }
    }
    prior = classPrior(posterior, nItems, K, smoothing);
    for (let t = 0; t < K; t++) logPrior[t] = Math.log(prior[t]);
  };

  // Σ q·log q of the posterior the last E-step computed, for the evidence lower bound.
  let negativeEntropy = 0;
  const eStep = () => {
    for (let i = 0, o = 0; i < nItems; i++, o += K) for (let t = 0; t < K; t++) posterior[o + t] = logPrior[t];
    addLogConfusion(posterior, logConfusion, data);
    negativeEntropy = softmaxRowsNegativeEntropy(posterior, nItems, K);
  };

  // Evidence lower bound of the current posterior under the freshly fitted parameters; like crowd-kit, the
  // loop stops when this improves by less than the tolerance per judgment. The judgments' expected
  // log-likelihood is read off the count table (data counts × log confusion), so it costs O(workers × K²); the
  // prior's term off the posterior's column sums, the entropy off the E-step.
  const classMass = new Float64Array(K);
  const evidenceLowerBound = () => {
    let elbo = -negativeEntropy;
    for (let c = 0; c < counts.length; c++) elbo += (counts[c] - pseudoCounts[c]) * logConfusion[c];
    classMass.fill(0);
    for (let i = 0, o = 0; i < nItems; i++, o += K) for (let t = 0; t < K; t++) classMass[t] += posterior[o + t];
    for (let t = 0; t < K; t++) if (classMass[t] > 0) elbo += classMass[t] * logPrior[t];
    return elbo;
  };

  mStep();
  const fit = runEm(
    () => {
      eStep();
      mStep();
      return evidenceLowerBound();
    },
    n,
    options,
    { maxIterations: 100, tolerance: 1e-5 },
  );
  clearUnjudged(posterior, data);
  const confusion = new Float64Array(nWorkers * K * K);
  for (let w = 0; w < nWorkers; w++) {
    for (let t = 0; t < K; t++) {
      for (let l = 0; l < K; l++) confusion[(w * K + t) * K + l] = Math.exp(logConfusion[(w * K + l) * K + t]);
    }
  }
  return {
    ...decide(posterior, nItems, K, fit),
    confusion,
    classPrior: prior,
    evidenceLowerBound: fit.logLikelihood,
  };
}

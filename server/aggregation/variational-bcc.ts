import type { CategoricalJudgments, CategoricalResult, IterativeOptions } from './types.ts';
import { clearUnjudged, decide, initialPosterior } from './posterior.ts';
import { runEm } from './em-loop.ts';
import { digamma, softmaxRows } from './numeric.ts';
import { logBeta } from './log-gamma.ts';
import { seededRandom } from './random.ts';

/** Priors and search settings of the Bayesian classifier combination family (IBCC is one subtype per class). */
export interface BccSettings extends Required<IterativeOptions> {
  /** Subtypes per true class (EBCC's M); 1 makes the model IBCC. */
  subtypes: number;
  /** Dirichlet pseudo-count on a worker's right answer, β_kk. */
  diagonalPrior: number;
  /** Dirichlet pseudo-count on each wrong answer, β_kl for l ≠ k. */
  offDiagonalPrior: number;
  /** Dirichlet prior on the class proportions: one pseudo-count for every class, or `empirical` for the vote totals. */
  classPrior: number | 'empirical';
  /** Total Dirichlet pseudo-count on a class's subtype weights, spread evenly over the subtypes. */
  subtypePrior: number;
  /** Fits from seeded random splits of the vote shares over subtypes; the highest evidence lower bound wins. */
  restarts: number;
  seed: number;
}

/** The winning fit: class posterior per item and the posterior means of the model's parameters. */
export interface BccFit {
  /** `nItems × nClasses` posterior over the true class (subtypes summed out). */
  posterior: Float64Array;
  /** `nWorkers × nClasses × nClasses`, [w][t][l] = E[P(worker w answers l | true class t)], subtypes mixed by their weights. */
  confusion: Float64Array;
  classPrior: Float64Array;
  /** `nClasses × subtypes`: E[share of class t's items in subtype m]. */
  subtypeWeights: Float64Array;
  evidenceLowerBound: number;
  iterations: number;
  converged: boolean;
}

/** What IBCC and EBCC both return: the decision plus the posterior means of the worker and class parameters. */
export type BccResult = CategoricalResult & {
  /** `nWorkers × nClasses × nClasses`: entry [w][t][l] = E[P(worker w answers l | true class t)], subtypes mixed by weight. */
  confusion: Float64Array;
  classPrior: Float64Array;
  evidenceLowerBound: number;
};

/** A fit's decision (items nobody judged unlabeled) with its parameters. */
export function bccResult(data: CategoricalJudgments, fit: BccFit): BccResult {
  clearUnjudged(fit.posterior, data);
  return {
    ...decide(fit.posterior, data.nItems, data.nClasses, fit),
    confusion: fit.confusion,
    classPrior: fit.classPrior,
    evidenceLowerBound: fit.evidenceLowerBound,
  };
}

/**
 * Mean-field variational Bayes for Bayesian classifier combination with `subtypes` mixture components per true class
 * (Li, Rubinstein and Cohn 2019; one subtype is Kim and Ghahramani's IBCC as Simpson et al. fit it). An item has a
 * true class t and a subtype m; each worker answers from their own distribution for (t, m), so workers who err
 * together on some items of a class are explained by those items' subtype rather than counted as independent votes.
 * q(t, m) per item, Dirichlet posteriors on the class proportions, subtype weights and every worker's (t, m) answer
 * distribution. A step updates the Dirichlets from q and then q from their expected logs, so the evidence lower
 * bound is Σ items' log-normalisers minus the Dirichlets' KL to their priors, read off in O(parameters).
 */
export function fitBcc(data: CategoricalJudgments, s: BccSettings): BccFit {
  const { nItems, nWorkers, nClasses: K, item, worker, label } = data;
  const M = Math.max(1, Math.floor(s.subtypes));
  const KM = K * M;
  const n = item.length;
  const shares = initialPosterior(data);
  const alpha = new Float64Array(K).fill(s.classPrior === 'empirical' ? 0 : s.classPrior);
  if (s.classPrior === 'empirical') for (let i = 0; i < nItems; i++) for (let k = 0; k < K; k++) alpha[k] += shares[i * K + k];
  const logBetaAlpha = logBeta(alpha);
  // Row k: the Dirichlet prior β_k on a worker's answers to class k, s.diagonalPrior on k and s.offDiagonalPrior elsewhere.
  const beta = new Float64Array(K * K).fill(s.offDiagonalPrior);
  for (let k = 0; k < K; k++) beta[k * K + k] = s.diagonalPrior;
  let logBetaPriorV = 0;
  for (let k = 0; k < K; k++) logBetaPriorV += nWorkers * M * logBeta(beta, k * K, K);
  const subtypeCount = s.subtypePrior / M;
  const piPrior = new Float64Array(M).fill(subtypeCount);
  const logBetaPriorPi = M > 1 ? K * logBeta(piPrior) : 0;

  // q(t, m) per item, and per (worker, answer) cell the Dirichlet counts and expected logs of every (t, m): a judgment
  // reads and writes one contiguous row of K·M values, as Dawid-Skene's loops do with K.
  const q = new Float64Array(nItems * KM);
  const mu = new Float64Array(nWorkers * K * KM);
  const logV = new Float64Array(nWorkers * K * KM);
  const nu = new Float64Array(K);
  const logTau = new Float64Array(K);
  const eta = new Float64Array(KM);
  const logPi = new Float64Array(KM);
  const itemPrior = new Float64Array(KM);

  const start = (random: () => number) => {
    for (let i = 0; i < nItems; i++) {
      for (let k = 0; k < K; k++) {
        const o = i * KM + k * M;
        const share = shares[i * K + k];
        if (M === 1) {
          q[o] = share;
          continue;
        }
        // A flat Dirichlet draw (normalised exponentials) splits the class's share over its subtypes, breaking their symmetry.
        let sum = 0;
        for (let m = 0; m < M; m++) sum += q[o + m] = -Math.log(1 - random());
        for (let m = 0; m < M; m++) q[o + m] *= share / sum;
      }
    }
  };

  // Dirichlet posteriors from q, their expected logs, and their KL to the priors.
  const updateDirichlets = (): number => {
    nu.set(alpha);
    eta.fill(subtypeCount);
    for (let i = 0, o = 0; i < nItems; i++, o += KM) for (let c = 0; c < KM; c++) eta[c] += q[o + c];
    for (let k = 0; k < K; k++) for (let m = 0; m < M; m++) nu[k] += eta[k * M + m] - subtypeCount;
    for (let w = 0; w < nWorkers; w++) {
      for (let l = 0; l < K; l++) {
        const row = (w * K + l) * KM;
        for (let k = 0; k < K; k++) mu.fill(beta[k * K + l], row + k * M, row + (k + 1) * M);
      }
    }
    for (let j = 0; j < n; j++) {
      const row = (worker[j] * K + label[j]) * KM;
      const o = item[j] * KM;
      for (let c = 0; c < KM; c++) mu[row + c] += q[o + c];
    }
    let kl = logBetaAlpha - logBeta(nu);
    kl += expectedLogs(nu, logTau, 0, K, 1, alpha, 0);
    if (M > 1) {
      kl += logBetaPriorPi;
      for (let k = 0; k < K; k++) {
        kl -= logBeta(eta, k * M, M);
        kl += expectedLogs(eta, logPi, k * M, M, 1, piPrior, 0);
      }
    }
    kl += logBetaPriorV;
    for (let w = 0; w < nWorkers; w++) {
      for (let c = 0; c < KM; c++) {
        const first = w * K * KM + c;
        kl -= logBeta(mu, first, K, KM);
        kl += expectedLogs(mu, logV, first, K, KM, beta, Math.floor(c / M) * K);
      }
    }
    for (let c = 0; c < KM; c++) itemPrior[c] = logTau[Math.floor(c / M)] + logPi[c];
    return kl;
  };

  /**
   * Writes ψ(a_i) − ψ(Σa) for one Dirichlet (`length` values `stride` apart from `offset`) into `out` at the same
   * places, and returns Σ (a_i − prior_i)·that, the last term of its KL to the prior read from `prior` at `priorOffset`.
   */
  const expectedLogs = (
    a: Float64Array,
    out: Float64Array,
    offset: number,
    length: number,
    stride: number,
    prior: Float64Array,
    priorOffset: number,
  ): number => {
    let total = 0;
    for (let i = 0, o = offset; i < length; i++, o += stride) total += a[o];
    const psiTotal = digamma(total);
    let term = 0;
    for (let i = 0, o = offset; i < length; i++, o += stride) {
      out[o] = digamma(a[o]) - psiTotal;
      term += (a[o] - prior[priorOffset + i]) * out[o];
    }
    return term;
  };

  const updateItems = (): number => {
    for (let i = 0, o = 0; i < nItems; i++, o += KM) q.set(itemPrior, o);
    for (let j = 0; j < n; j++) {
      const row = (worker[j] * K + label[j]) * KM;
      const o = item[j] * KM;
      for (let c = 0; c < KM; c++) q[o + c] += logV[row + c];
    }
    return softmaxRows(q, nItems, KM);
  };

  const random = seededRandom(s.seed);
  let best: BccFit | null = null;
  for (let r = 0; r < Math.max(1, M === 1 ? 1 : s.restarts); r++) {
    start(random);
    const fit = runEm(
      () => {
        const kl = updateDirichlets();
        return updateItems() - kl;
      },
      n,
      s,
      s,
    );
    if (best && fit.logLikelihood <= best.evidenceLowerBound) continue;
    best = summarize(fit);
  }
  return best!;

  function summarize(fit: ReturnType<typeof runEm>): BccFit {
    // The Dirichlets that produced the final q: the reported parameters and q belong to one bound.
    const posterior = new Float64Array(nItems * K);
    for (let i = 0; i < nItems; i++) for (let c = 0; c < KM; c++) posterior[i * K + Math.floor(c / M)] += q[i * KM + c];
    const classPrior = Float64Array.from(nu);
    const nuTotal = classPrior.reduce((a, b) => a + b, 0);
    for (let k = 0; k < K; k++) classPrior[k] /= nuTotal;
    const subtypeWeights = Float64Array.from(eta);
    for (let k = 0; k < K; k++) {
      let total = 0;
      for (let m = 0; m < M; m++) total += eta[k * M + m];
      for (let m = 0; m < M; m++) subtypeWeights[k * M + m] /= total;
    }
    const confusion = new Float64Array(nWorkers * K * K);
    for (let w = 0; w < nWorkers; w++) {
      for (let c = 0; c < KM; c++) {
        let total = 0;
        for (let l = 0; l < K; l++) total += mu[(w * K + l) * KM + c];
        const k = Math.floor(c / M);
        for (let l = 0; l < K; l++) confusion[(w * K + k) * K + l] += (subtypeWeights[c] * mu[(w * K + l) * KM + c]) / total;
      }
    }
    return {
      posterior,
      confusion,
      classPrior,
      subtypeWeights,
      evidenceLowerBound: fit.logLikelihood,
      iterations: fit.iterations,
      converged: fit.converged,
    };
  }
}

import type { IterativeOptions, PairwiseJudgments } from './types.ts';
import { logSigmoid, sigmoid } from './numeric.ts';

/** Options for the Bradley-Terry fit. */
export interface BradleyTerryOptions extends IterativeOptions {
  /** Precision of the N(0, 1/λ) prior on strengths: pins the scale's origin and tames unbeaten responses (default 0.1). */
  priorPrecision?: number;
}

/** Strength per response, the left-position advantage and fit diagnostics. */
export interface BradleyTerryResult {
  /** Log-strength per response (0 = average). */
  score: Float64Array;
  /** Log-odds advantage of being shown on the left (negative: right is favoured). */
  positionBias: number;
  /** Comparisons each response took part in. */
  comparisons: Int32Array;
  logPosterior: number;
  iterations: number;
  converged: boolean;
}

/**
 * Bradley-Terry with a position term: P(left beats right) = σ(s_left − s_right + h). A tie counts as half
 * a win for each side (the Rao-Kupper/Davidson alternatives need a tie parameter this data rarely pins
 * down). Fitted by alternating a Newton step on the position term with a diagonal Newton step on all
 * strengths.
 */
export function bradleyTerry(data: PairwiseJudgments, options: BradleyTerryOptions = {}): BradleyTerryResult {
  const { nResponses, left, right, outcome } = data;
  const n = left.length;
  const lambda = options.priorPrecision ?? 0.1;
  const maxIterations = options.maxIterations ?? 2000;
  const tolerance = options.tolerance ?? 1e-7;
  const score = new Float64Array(nResponses);
  const grad = new Float64Array(nResponses);
  const comparisons = new Int32Array(nResponses);
  for (let j = 0; j < n; j++) {
    comparisons[left[j]]++;
    comparisons[right[j]]++;
  }
  const curvature = new Float64Array(nResponses);
  let bias = 0;
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations && !converged) {
    iterations++;
    // Position advantage first: a one-parameter Newton step given the strengths.
    let biasGrad = 0;
    let biasCurvature = 1e-9;
    for (let j = 0; j < n; j++) {
      const p = sigmoid(score[left[j]] - score[right[j]] + bias);
      biasGrad += outcome[j] - p;
      biasCurvature += p * (1 - p);
    }
    let change = Math.abs(biasGrad / biasCurvature);
    bias += biasGrad / biasCurvature;
    for (let r = 0; r < nResponses; r++) {
      grad[r] = -lambda * score[r];
      curvature[r] = 0;
    }
    for (let j = 0; j < n; j++) {
      const p = sigmoid(score[left[j]] - score[right[j]] + bias);
      grad[left[j]] += outcome[j] - p;
      grad[right[j]] -= outcome[j] - p;
      curvature[left[j]] += p * (1 - p);
      curvature[right[j]] += p * (1 - p);
    }
    for (let r = 0; r < nResponses; r++) {
      // Doubled diagonal: a comparison graph's Laplacian is at most twice its degree matrix, so the
      // simultaneous update cannot overshoot the local quadratic model.
      const step = grad[r] / (2 * curvature[r] + lambda);
      score[r] += step;
      change = Math.max(change, Math.abs(step));
    }
    // At the optimum the prior's gradient must cancel (Σ s = 0), and shifting all strengths leaves the
    // likelihood unchanged, so re-centring is exact; the Newton steps alone would crawl along that direction.
    let mean = 0;
    for (let r = 0; r < nResponses; r++) mean += score[r] / nResponses;
    for (let r = 0; r < nResponses; r++) score[r] -= mean;
    converged = change < tolerance;
  }
  let logPosterior = 0;
  for (let j = 0; j < n; j++) {
    const d = score[left[j]] - score[right[j]] + bias;
    logPosterior += outcome[j] * logSigmoid(d) + (1 - outcome[j]) * logSigmoid(-d);
  }
  for (let r = 0; r < nResponses; r++) logPosterior -= (lambda * score[r] * score[r]) / 2;
  return { score, positionBias: bias, comparisons, logPosterior, iterations, converged };
}

/**
 * P(response a beats response b). By default position-neutral; `aShownLeft` adds the fitted position
 * advantage for a concrete layout.
 */
export function winProbability(fit: BradleyTerryResult, a: number, b: number, aShownLeft?: boolean): number {
  const position = aShownLeft === undefined ? 0 : aShownLeft ? fit.positionBias : -fit.positionBias;
  return sigmoid(fit.score[a] - fit.score[b] + position);
}

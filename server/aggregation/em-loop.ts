import type { IterativeOptions } from './types.ts';

/**
 * Runs `step` (one E+M round returning the data log-likelihood or evidence lower bound) until the mean
 * per-judgment objective improves by less than the tolerance. A decrease also stops the loop: EM cannot
 * decrease it except by rounding. One loop for every EM-style method so they stop by the same rule.
 */
export function runEm(
  step: () => number,
  nJudgments: number,
  options: IterativeOptions,
  defaults: Required<IterativeOptions>,
): { iterations: number; converged: boolean; logLikelihood: number } {
  const maxIterations = options.maxIterations ?? defaults.maxIterations;
  const tolerance = options.tolerance ?? defaults.tolerance;
  let previous = -Infinity;
  let logLikelihood = -Infinity;
  for (let it = 1; it <= maxIterations; it++) {
    logLikelihood = step();
    if ((logLikelihood - previous) / Math.max(1, nJudgments) < tolerance) {
      return { iterations: it, converged: true, logLikelihood };
    }
    previous = logLikelihood;
  }
  return { iterations: maxIterations, converged: false, logLikelihood };
}

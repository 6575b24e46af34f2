import type { CategoricalJudgments, CategoricalResult, IterativeOptions } from './types.ts';
import { classPrior, clearUnjudged, decide, initialPosterior } from './posterior.ts';
import { expectedCorrect, matchModelEStep } from './match-model.ts';
import { runEm } from './em-loop.ts';
import { assertCategorical } from './validate.ts';

/** Options for one-coin Dawid-Skene. */
export interface OneCoinOptions extends IterativeOptions {
  /** Pseudo-count on each worker's right/wrong tally (default 0.01). */
  smoothing?: number;
  warmStart?: Float64Array;
}

/** One-coin output: per-item decision plus one skill (P(correct)) per worker. */
export type OneCoinResult = CategoricalResult & { skill: Float64Array; classPrior: Float64Array };

/**
 * One-coin Dawid-Skene: each worker is right with probability `skill` and otherwise picks uniformly among
 * the wrong classes. Far fewer parameters than full confusion matrices, so it suits sparse workers.
 */
export function oneCoinDawidSkene(data: CategoricalJudgments, options: OneCoinOptions = {}): OneCoinResult {
  assertCategorical(data);
  const { nItems, nWorkers, nClasses: K, worker } = data;
  const smoothing = options.smoothing ?? 0.01;
  const n = worker.length;
  const posterior = initialPosterior(data, options.warmStart);
  const skill = new Float64Array(nWorkers);
  const logMatch = new Float64Array(nWorkers);
  const logMiss = new Float64Array(nWorkers);
  let prior: Float64Array = new Float64Array(K);

  const fit = runEm(
    () => {
      const { correct, total } = expectedCorrect(posterior, data);
      for (let w = 0; w < nWorkers; w++) skill[w] = (correct[w] + smoothing) / (total[w] + 2 * smoothing);
      prior = classPrior(posterior, nItems, K, smoothing);
      for (let w = 0; w < nWorkers; w++) {
        logMatch[w] = Math.log(skill[w]);
        logMiss[w] = Math.log((1 - skill[w]) / (K - 1));
      }
      return matchModelEStep(posterior, data, prior.map(Math.log), logMatch, logMiss, worker);
    },
    n,
    options,
    { maxIterations: 100, tolerance: 1e-7 },
  );
  clearUnjudged(posterior, data);
  return { ...decide(posterior, nItems, K, fit), skill, classPrior: prior };
}

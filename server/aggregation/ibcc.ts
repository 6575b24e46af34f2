import type { CategoricalJudgments, IterativeOptions } from './types.ts';
import { bccResult, fitBcc } from './variational-bcc.ts';
import type { BccResult } from './variational-bcc.ts';
import { assertCategorical } from './validate.ts';

/** Options for IBCC; the defaults are the priors of Li et al.'s reference implementation. */
export interface IbccOptions extends IterativeOptions {
  /** Dirichlet pseudo-count on a worker's right answer (default 4). */
  diagonalPrior?: number;
  /** Dirichlet pseudo-count on each wrong answer (default 1). */
  offDiagonalPrior?: number;
  /** Dirichlet pseudo-count on every class's proportion (default 1). */
  classPrior?: number;
}

/** IBCC output: the decision plus posterior means of every worker's confusion matrix and of the class proportions. */
export type IbccResult = BccResult;

/**
 * Independent Bayesian classifier combination (Kim and Ghahramani 2012) by mean-field variational Bayes (Simpson et
 * al. 2013): Dawid-Skene's model with Dirichlet priors on each confusion row and on the class proportions, so a
 * worker's few answers are weighed by the expected log of an uncertain matrix rather than by a point estimate.
 * Started from majority-vote shares; deterministic.
 */
export function ibcc(data: CategoricalJudgments, options: IbccOptions = {}): IbccResult {
  assertCategorical(data);
  const fit = fitBcc(data, {
    subtypes: 1,
    diagonalPrior: options.diagonalPrior ?? 4,
    offDiagonalPrior: options.offDiagonalPrior ?? 1,
    classPrior: options.classPrior ?? 1,
    subtypePrior: 0,
    restarts: 1,
    seed: 0,
    maxIterations: options.maxIterations ?? 500,
    tolerance: options.tolerance ?? 1e-7,
  });
  return bccResult(data, fit);
}

import type { CategoricalJudgments } from './types.ts';
import { bccResult, fitBcc } from './variational-bcc.ts';
import type { IbccOptions, IbccResult } from './ibcc.ts';
import { assertCategorical } from './validate.ts';

/**
 * Options for EBCC: IBCC's worker priors (the class proportions' prior is the vote totals), and the defaults Li et
 * al. ran on their 17 datasets but for the number of restarts.
 */
export interface EbccOptions extends Omit<IbccOptions, 'classPrior'> {
  /** Subtypes per true class (default 10). */
  subtypes?: number;
  /** Total Dirichlet pseudo-count on a class's subtype weights (default 0.1, which favours few subtypes in use). */
  subtypePrior?: number;
  /** Seeded random starts, the highest evidence lower bound kept (default 5; the authors kept the best of 40). */
  restarts?: number;
  seed?: number;
}

/** EBCC output: IBCC's, the confusion matrices with subtypes mixed by weight, and the subtype weights. */
export type EbccResult = IbccResult & {
  /** `nClasses × subtypes`: the expected share of class t's items that are of subtype m. */
  subtypeWeights: Float64Array;
};

/**
 * Enhanced Bayesian classifier combination (Li, Rubinstein and Cohn, ICML 2019, "Exploiting Worker Correlation for
 * Label Aggregation in Crowdsourcing"): IBCC with a mixture of subtypes within each true class, every worker having
 * an answer distribution per (class, subtype). Workers who go wrong together on one kind of item (the same
 * confusing subtype) are then not counted as independent evidence. The class proportions' prior is the vote
 * totals, as in the authors' runs. Mean-field variational Bayes from seeded random subtype splits of the vote shares.
 */
export function ebcc(data: CategoricalJudgments, options: EbccOptions = {}): EbccResult {
  assertCategorical(data);
  const fit = fitBcc(data, {
    subtypes: options.subtypes ?? 10,
    diagonalPrior: options.diagonalPrior ?? 4,
    offDiagonalPrior: options.offDiagonalPrior ?? 1,
    classPrior: 'empirical',
    subtypePrior: options.subtypePrior ?? 0.1,
    restarts: options.restarts ?? 5,
    seed: options.seed ?? 1,
    maxIterations: options.maxIterations ?? 500,
    tolerance: options.tolerance ?? 1e-6,
  });
  return { ...bccResult(data, fit), subtypeWeights: fit.subtypeWeights };
}

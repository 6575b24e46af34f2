import type { CategoricalJudgments, CategoricalResult, IterativeOptions } from './types.ts';
import { clearUnjudged, decide } from './posterior.ts';
import { fitBcc } from './variational-bcc.ts';
import { assertCategorical } from './validate.ts';

/** Options for EBCC; the defaults are those Li et al. ran on their 17 datasets, but for the number of restarts. */
export interface EbccOptions extends IterativeOptions {
  /** Subtypes per true class (default 10). */
  subtypes?: number;
  /** Dirichlet pseudo-count on a worker's right answer (default 4). */
  diagonalPrior?: number;
  /** Dirichlet pseudo-count on each wrong answer (default 1). */
  offDiagonalPrior?: number;
  /** Total Dirichlet pseudo-count on a class's subtype weights (default 0.1, which favours few subtypes in use). */
  subtypePrior?: number;
  /** Seeded random starts, the highest evidence lower bound kept (default 5; the authors kept the best of 40). */
  restarts?: number;
  seed?: number;
}

/** EBCC output: the decision, the confusion matrices with subtypes mixed by weight, and the subtype weights. */
export type EbccResult = CategoricalResult & {
  /** `nWorkers × nClasses × nClasses`: entry [w][t][l] = E[P(worker w answers l | true class t)] over t's subtypes. */
  confusion: Float64Array;
  classPrior: Float64Array;
  /** `nClasses × subtypes`: the expected share of class t's items that are of subtype m. */
  subtypeWeights: Float64Array;
  evidenceLowerBound: number;
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
  clearUnjudged(fit.posterior, data);
  return {
    ...decide(fit.posterior, data.nItems, data.nClasses, fit),
    confusion: fit.confusion,
    classPrior: fit.classPrior,
    subtypeWeights: fit.subtypeWeights,
    evidenceLowerBound: fit.evidenceLowerBound,
  };
}

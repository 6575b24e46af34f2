/**
 * Shared input and output shapes of the aggregation engine. Everything is a flat typed array indexed by
 * dense integer ids (items, workers, classes), so the server can build them from any store and the
 * hot loops never touch objects or strings.
 */

/** Categorical judgments: judgment `j` says worker `worker[j]` gave item `item[j]` class `label[j]`. */
export interface CategoricalJudgments {
  nItems: number;
  nWorkers: number;
  nClasses: number;
  item: Int32Array;
  worker: Int32Array;
  label: Int32Array;
}

/** How a tie between equally supported classes was resolved; ties go to the lowest class index. */
export type TieBreak = 'lowest-class-index';

/** What every categorical method returns per item. Items without judgments get label -1 and confidence 0. */
export interface CategoricalResult {
  /** Chosen class per item. */
  label: Int32Array;
  /** Posterior (or vote share) of the chosen class per item. */
  confidence: Float64Array;
  /** Row-major `nItems × nClasses` posterior over classes. */
  posterior: Float64Array;
  /** 1 where two or more classes shared the top score. */
  tied: Uint8Array;
  /** Number of tied items. */
  ties: number;
  tieBreak: TieBreak;
  /** EM iterations run (0 for closed-form votes). */
  iterations: number;
  converged: boolean;
}

/** Options common to iterative (EM-style) fits. */
export interface IterativeOptions {
  /** Upper bound on iterations. */
  maxIterations?: number;
  /** Stop when the objective (log-likelihood or evidence lower bound) per judgment improves by less than this. */
  tolerance?: number;
}

/** Numeric (ordinal scale) judgments: worker `worker[j]` scored item `item[j]` with `value[j]`. */
export interface NumericJudgments {
  nItems: number;
  nWorkers: number;
  item: Int32Array;
  worker: Int32Array;
  value: Float64Array;
}

/**
 * Pairwise judgments: in comparison `j` the response `left[j]` was shown on the left and `right[j]` on the
 * right; `outcome[j]` is 1 when left won, 0 when right won and 0.5 for a tie.
 */
export interface PairwiseJudgments {
  nResponses: number;
  left: Int32Array;
  right: Int32Array;
  outcome: Float64Array;
}

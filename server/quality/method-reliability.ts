/**
 * How far each categorical method's confidence can be trusted on a project: every method run on the project's
 * judgments, its confidence set against the project's gold items. Pure: the aggregation command calls it.
 */
import { reliability, type CategoricalJudgments, type CategoricalResult, type Reliability } from '../aggregation/index.ts';

/**
 * Fewer gold items than this spread over ten confidence bins say little: most bins would hold one item or none,
 * and one item more or less moves the calibration error by several points.
 */
export const MIN_GOLD_FOR_RELIABILITY = 30;

/** A categorical method as the diagram runs it; `gold` holds a class per item, -1 where none is known. */
export interface ReliabilityMethod {
  method: string;
  fit: (data: CategoricalJudgments, gold: Int32Array) => CategoricalResult;
  /** Whether the fit reads `gold`: such a method is scored only on gold items it was not given. */
  usesGold: boolean;
}

export interface MethodReliability extends Reliability {
  method: string;
  /** Scored on each half of the gold items with the other half given to the fit (the method uses gold). */
  crossFitted: boolean;
}

export interface ProjectReliability {
  /** Gold items that have judgments. */
  goldItems: number;
  /** Gold items needed for a diagram; below it `methods` is empty. */
  needed: number;
  methods: MethodReliability[];
}

/**
 * Each method's reliability diagram and calibration error on the gold items. A method that reads gold is fitted
 * twice, each time without one half of the gold items (alternate gold items in item order), and scored on that half
 * only, so no item is scored by a fit that saw its answer.
 */
export function methodReliability(data: CategoricalJudgments, gold: Int32Array, methods: readonly ReliabilityMethod[]): ProjectReliability {
  const judged = new Uint8Array(data.nItems);
  for (const i of data.item) judged[i] = 1;
  const scored: number[] = [];
  for (let i = 0; i < data.nItems; i++) if (gold[i] >= 0 && judged[i]) scored.push(i);
  if (scored.length < MIN_GOLD_FOR_RELIABILITY) return { goldItems: scored.length, needed: MIN_GOLD_FOR_RELIABILITY, methods: [] };
  const confidence = new Float64Array(scored.length);
  const correct = new Uint8Array(scored.length);
  const score = (result: CategoricalResult, k: number) => {
    confidence[k] = result.confidence[scored[k]];
    correct[k] = result.label[scored[k]] === gold[scored[k]] ? 1 : 0;
  };
  return {
    goldItems: scored.length,
    needed: MIN_GOLD_FOR_RELIABILITY,
    methods: methods.map(({ method, fit, usesGold }) => {
      if (!usesGold) {
        const result = fit(data, gold);
        scored.forEach((_, k) => score(result, k));
      } else {
        for (const fold of [0, 1]) {
          const given = Int32Array.from(gold);
          scored.forEach((i, k) => k % 2 === fold && (given[i] = -1));
          const result = fit(data, given);
          scored.forEach((_, k) => k % 2 === fold && score(result, k));
        }
      }
      return { method, crossFitted: usesGold, ...reliability(confidence, correct) };
    }),
  };
}

/**
 * How far each categorical method's confidence can be trusted on a project: every method run on the project's
 * judgments, its confidence set against the project's gold items. Pure: the aggregation command calls it.
 */
import { reliability, type CategoricalJudgments, type CategoricalResult, type Reliability } from '../aggregation/index.ts';
import { categoricalMethodKeys, categoricalMethods } from '../aggregation/methods.ts';
import { chooseMethod } from '../aggregation/auto-method.ts';
import type { Observation } from './aggregate-observations.ts';

/**
 * Fewer gold items than this spread over ten confidence bins say little: most bins would hold one item or none,
 * and one item more or less moves the calibration error by several points.
 */
export const MIN_GOLD_FOR_RELIABILITY = 30;

/**
 * A categorical method as the diagram runs it: `gold` holds a class per item, -1 where none is known, and a method
 * that reads it is scored only on gold items it was not given.
 */
export interface ReliabilityMethod {
  method: string;
  fit: (data: CategoricalJudgments, gold: Int32Array) => CategoricalResult;
  readsGold: boolean;
}

/**
 * Up to this many judgments the diagram refits every method on each aggregation run. Beyond it only the method in
 * use is drawn: every other fit would multiply the run's cost (at 10^6 answers MACE alone is about 10 CPU s, and
 * the run holds its transaction while it computes).
 */
export const ALL_METHODS_UP_TO_JUDGMENTS = 100_000;

/**
 * The methods the quality page's diagram scores: every one a project may choose, under its settings name, and
 * `auto` (which reads gold when the project has enough, so it is cross-fitted). EBCC's fit costs about a hundred
 * Dawid-Skene fits, so it is drawn only on projects that aggregate with it.
 */
export function diagramMethods(inUse: string, judgments: number): ReliabilityMethod[] {
  const all = [
    ...categoricalMethodKeys
      .filter((key) => key !== 'ebcc' || key === inUse)
      .map((key) => ({ method: key, fit: categoricalMethods[key].fit, readsGold: categoricalMethods[key].readsGold })),
    { method: 'auto', fit: (data: CategoricalJudgments, gold: Int32Array) => chooseMethod(data, { gold }).result, readsGold: true },
  ];
  return judgments > ALL_METHODS_UP_TO_JUDGMENTS ? all.filter((m) => m.method === inUse) : all;
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
 * How a method's result becomes the confidence that is stored: the calibration the server applies, with the gold
 * it may fit on. It must give each gold item a confidence fitted without that item's answer (cross-fitted), since
 * the diagram is drawn on those very items.
 */
export type Calibration = (data: CategoricalJudgments, result: CategoricalResult, gold: Int32Array) => CategoricalResult;

/**
 * Each method's reliability diagram and calibration error on the gold items, with its confidence as `calibrate`
 * makes it. A method that reads gold is fitted (and calibrated) twice, each time without one half of the gold items
 * (alternate gold items in item order), and scored on that half only, so no item is scored by a fit that saw its
 * answer.
 */
export function methodReliability(
  data: CategoricalJudgments,
  gold: Int32Array,
  methods: readonly ReliabilityMethod[],
  calibrate: Calibration,
): ProjectReliability {
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
    methods: methods.map((m) => {
      if (!m.readsGold) {
        const result = calibrate(data, m.fit(data, gold), gold);
        scored.forEach((_, k) => score(result, k));
      } else {
        for (const fold of [0, 1]) {
          const given = Int32Array.from(gold);
          scored.forEach((i, k) => k % 2 === fold && (given[i] = -1));
          const result = calibrate(data, m.fit(data, given), given);
          scored.forEach((_, k) => k % 2 === fold && score(result, k));
        }
      }
      return { method: m.method, crossFitted: m.readsGold, ...reliability(confidence, correct) };
    }),
  };
}

/**
 * A project's categorical judgments as the engine takes them (items and workers numbered by first appearance, the
 * value is the class) with the gold class of each item, -1 where it has none.
 */
export function categoricalInput(
  observations: readonly Pick<Observation, 'itemId' | 'workerKey' | 'value'>[],
  goldByItemId: ReadonlyMap<number, number>,
  nClasses: number,
): { data: CategoricalJudgments; gold: Int32Array } {
  const items = new Map<number, number>();
  const workers = new Map<string, number>();
  const n = observations.length;
  const data: CategoricalJudgments = {
    nItems: 0,
    nWorkers: 0,
    nClasses,
    item: new Int32Array(n),
    worker: new Int32Array(n),
    label: new Int32Array(n),
  };
  observations.forEach((o, j) => {
    data.item[j] = items.get(o.itemId) ?? items.set(o.itemId, items.size).size - 1;
    data.worker[j] = workers.get(o.workerKey) ?? workers.set(o.workerKey, workers.size).size - 1;
    data.label[j] = o.value;
  });
  data.nItems = items.size;
  data.nWorkers = workers.size;
  const gold = new Int32Array(items.size).fill(-1);
  for (const [itemId, i] of items) gold[i] = goldByItemId.get(itemId) ?? -1;
  return { data, gold };
}

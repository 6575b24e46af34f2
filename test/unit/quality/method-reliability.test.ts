import { describe, expect, it } from 'vitest';
import {
  calibratedConfidence,
  goldWeightedVote,
  majorityVote,
  reliability,
  simulateCrowd,
  type CategoricalJudgments,
  type CategoricalResult,
} from '../../../server/aggregation/index.ts';
import { categoricalMethodKeys } from '../../../server/aggregation/methods.ts';
import {
  ALL_METHODS_UP_TO_JUDGMENTS,
  MIN_GOLD_FOR_RELIABILITY,
  categoricalInput,
  diagramMethods,
  methodReliability,
  type Calibration,
  type ReliabilityMethod,
} from '../../../server/quality/method-reliability.ts';

const crowd = simulateCrowd({ nItems: 200, judgmentsPerItem: 3, nWorkers: 12, nClasses: 3, seed: 7, mix: { regular: 0.8, spammer: 0.2 } });

/** Gold on the first `n` items, -1 elsewhere. */
function goldOn(n: number): Int32Array {
  return Int32Array.from(crowd.truth, (t, i) => (i < n ? t : -1));
}

const mv: ReliabilityMethod = { method: 'mv', fit: (data) => majorityVote(data), readsGold: false };

/** Confidence as the method reports it. */
const asReported: Calibration = (_, result) => result;

/** Answers the gold it is given with certainty and class 0 at confidence 1/2 elsewhere: scored on given gold it looks perfect. */
function echoGold(data: CategoricalJudgments, gold: Int32Array): CategoricalResult {
  const result = majorityVote(data);
  for (let i = 0; i < data.nItems; i++) {
    result.label[i] = gold[i] >= 0 ? gold[i] : 0;
    result.confidence[i] = gold[i] >= 0 ? 1 : 0.5;
  }
  return result;
}

describe('methodReliability', () => {
  it('draws nothing below the gold items it needs, and says how many there are', () => {
    const few = methodReliability(crowd.judgments, goldOn(MIN_GOLD_FOR_RELIABILITY - 1), [mv], asReported);
    expect(few).toEqual({ goldItems: MIN_GOLD_FOR_RELIABILITY - 1, needed: MIN_GOLD_FOR_RELIABILITY, methods: [] });
  });

  it('counts only gold items that have judgments', () => {
    const judged: CategoricalJudgments = { ...crowd.judgments, nItems: crowd.judgments.nItems + 50 };
    const gold = Int32Array.from({ length: judged.nItems }, (_, i) => (i < 40 || i >= 200 ? 0 : -1));
    expect(methodReliability(judged, gold, [mv], asReported).goldItems).toBe(40);
  });

  it("scores a method's confidence on the gold items only", () => {
    const gold = goldOn(100);
    const [row] = methodReliability(crowd.judgments, gold, [mv], asReported).methods;
    const result = majorityVote(crowd.judgments);
    const direct = reliability(
      result.confidence.subarray(0, 100),
      Array.from({ length: 100 }, (_, i) => result.label[i] === crowd.truth[i]),
    );
    expect(row).toEqual({ method: 'mv', crossFitted: false, ...direct });
    expect(row.n).toBe(100);
  });

  it('scores a method that reads gold only on gold items its fit was not given', () => {
    const gold = goldOn(100);
    const [honest, peeking] = methodReliability(
      crowd.judgments,
      gold,
      [
        { method: 'echo', fit: echoGold, readsGold: true },
        { method: 'echo-blind', fit: (data) => echoGold(data, gold), readsGold: false },
      ],
      asReported,
    ).methods;
    expect(peeking.accuracy).toBe(1);
    expect(honest.crossFitted).toBe(true);
    const zeros = Array.from(crowd.truth.subarray(0, 100)).filter((t) => t === 0).length;
    expect(honest.accuracy).toBeCloseTo(zeros / 100, 10);
    expect(honest.bins[5].count).toBe(100);
    expect(honest.ece).toBeCloseTo(Math.abs(zeros / 100 - 0.5), 10);
  });
});

describe('methodReliability with the calibration the server stores', () => {
  it('draws a method that reads no gold on the very confidences stored for the gold items', () => {
    const gold = goldOn(100);
    const calibrate: Calibration = (data, result, given) => calibratedConfidence(data, result, given).result;
    const [row] = methodReliability(crowd.judgments, gold, [mv], calibrate).methods;
    const stored = calibratedConfidence(crowd.judgments, majorityVote(crowd.judgments), gold).result;
    const direct = reliability(
      stored.confidence.subarray(0, 100),
      Array.from({ length: 100 }, (_, i) => stored.label[i] === crowd.truth[i]),
    );
    expect(row).toEqual({ method: 'mv', crossFitted: false, ...direct });
  });

  it('never calibrates a method that reads gold with the answers of the items it is scored on', () => {
    const gold = goldOn(100);
    const seen: Int32Array[] = [];
    const recording: Calibration = (_, result, given) => (seen.push(given), result);
    methodReliability(crowd.judgments, gold, [{ method: 'gw', fit: goldWeightedVote, readsGold: true }], recording);
    expect(seen).toHaveLength(2);
    const folds = seen.map((given) => Array.from({ length: 100 }, (_, i) => i).filter((i) => given[i] < 0));
    expect(folds[0]).toEqual(Array.from({ length: 50 }, (_, k) => 2 * k));
    expect(folds[1]).toEqual(Array.from({ length: 50 }, (_, k) => 2 * k + 1));
  });
});

describe('categoricalInput', () => {
  it('numbers items and workers by first appearance and gives each item its gold class', () => {
    const { data, gold } = categoricalInput(
      [
        { itemId: 40, workerKey: 'b', value: 2 },
        { itemId: 7, workerKey: 'a', value: 0 },
        { itemId: 40, workerKey: 'a', value: 1 },
      ],
      new Map([
        [7, 1],
        [99, 0],
      ]),
      3,
    );
    expect(data).toEqual({
      nItems: 2,
      nWorkers: 2,
      nClasses: 3,
      item: Int32Array.from([0, 1, 0]),
      worker: Int32Array.from([0, 1, 1]),
      label: Int32Array.from([2, 0, 1]),
    });
    expect(gold).toEqual(Int32Array.from([-1, 1]));
  });
});

describe('diagramMethods', () => {
  const names = (inUse: string, judgments: number) => diagramMethods(inUse, judgments).map((m) => m.method);

  it('draws every method a project may choose and auto, EBCC only where it is in use', () => {
    expect(names('ds', 10_000)).toEqual([...categoricalMethodKeys.filter((k) => k !== 'ebcc'), 'auto']);
    expect(names('ebcc', 10_000)).toContain('ebcc');
    expect(diagramMethods('ds', 10_000).find((m) => m.method === 'auto')?.readsGold).toBe(true);
  });

  it('draws only the method in use on a project too large to refit every method on each run', () => {
    expect(names('ds', ALL_METHODS_UP_TO_JUDGMENTS + 1)).toEqual(['ds']);
    expect(names('auto', ALL_METHODS_UP_TO_JUDGMENTS + 1)).toEqual(['auto']);
    expect(names('mace', ALL_METHODS_UP_TO_JUDGMENTS)).toHaveLength(categoricalMethodKeys.length);
  });
});

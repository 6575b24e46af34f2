import { describe, expect, it } from 'vitest';
import {
  applyConfidenceMap,
  calibrateOnGold,
  calibrateResultOnGold,
  MIN_GOLD_FOR_CALIBRATION,
  withConfidence,
} from '../../../server/aggregation/calibration.ts';
import { reliability } from '../../../server/aggregation/calibration-error.ts';
import { majorityVote } from '../../../server/aggregation/majority-vote.ts';
import { seededRandom } from '../../../server/aggregation/random.ts';
import type { CategoricalJudgments } from '../../../server/aggregation/types.ts';

/** Items reported at `reported` that are right with probability `truth`, drawn with a seeded generator. */
function overconfident(n: number, reported: number, truth: number, seed: number) {
  const random = seededRandom(seed);
  const confidence = Array.from({ length: n }, () => reported);
  const correct = confidence.map(() => (random() < truth ? 1 : 0));
  return { confidence, correct };
}

describe('calibrateOnGold', () => {
  it('brings a confidence reported as near certain down to how often it was right', () => {
    const high = overconfident(400, 0.9999, 0.7, 1);
    const low = overconfident(400, 0.9, 0.5, 2);
    const confidence = [...high.confidence, ...low.confidence];
    const correct = [...high.correct, ...low.correct];
    const map = calibrateOnGold(confidence, correct);
    expect(map.fittedOn).toBe(800);
    expect(applyConfidenceMap(map, 0.9999)).toBeCloseTo(0.7, 1);
    expect(applyConfidenceMap(map, 0.9)).toBeCloseTo(0.5, 1);
    const before = reliability(confidence, correct).ece;
    const after = reliability(
      confidence.map((c) => applyConfidenceMap(map, c)),
      correct,
    ).ece;
    expect(before).toBeGreaterThan(0.3);
    expect(after).toBeLessThan(0.03);
  });

  it('leaves confidences that already mean what they say about where they were', () => {
    const random = seededRandom(3);
    const confidence = Array.from({ length: 2000 }, () => 0.5 + 0.5 * random());
    const correct = confidence.map((c) => (random() < c ? 1 : 0));
    const map = calibrateOnGold(confidence, correct);
    for (const c of [0.6, 0.8, 0.95]) expect(Math.abs(applyConfidenceMap(map, c) - c)).toBeLessThan(0.04);
  });

  it('refuses mismatched inputs', () => {
    expect(() => calibrateOnGold([0.5], [])).toThrow(/1 confidences for 0 outcomes/);
  });
});

// Three workers on 60 items; worker 2 always answers 1, the others the truth, which alternates 0/1.
function crowd(): { data: CategoricalJudgments; gold: Int32Array } {
  const nItems = 60;
  const item: number[] = [];
  const worker: number[] = [];
  const label: number[] = [];
  for (let i = 0; i < nItems; i++) {
    for (let w = 0; w < 3; w++) {
      item.push(i);
      worker.push(w);
      label.push(w === 2 ? 1 : w === 1 && i % 3 === 0 ? 1 - (i % 2) : i % 2);
    }
  }
  const data = { nItems, nWorkers: 3, nClasses: 2, item: Int32Array.from(item), worker: Int32Array.from(worker), label: Int32Array.from(label) };
  return { data, gold: Int32Array.from({ length: nItems }, (_, i) => i % 2) };
}

describe('withConfidence', () => {
  it('puts the new confidence on the chosen class and keeps rows summing to 1 and the labels', () => {
    const { data } = crowd();
    const result = majorityVote(data);
    const next = withConfidence(result, new Float64Array(data.nItems).fill(0.7));
    expect(next.label).toEqual(result.label);
    for (let i = 0; i < data.nItems; i++) {
      expect(next.posterior[i * 2 + result.label[i]]).toBeCloseTo(0.7, 12);
      expect(next.posterior[i * 2] + next.posterior[i * 2 + 1]).toBeCloseTo(1, 12);
    }
  });
});

describe('calibrateResultOnGold', () => {
  it(`reports the method's own confidences below ${MIN_GOLD_FOR_CALIBRATION} gold items`, () => {
    const { data, gold } = crowd();
    const result = majorityVote(data);
    const few = Int32Array.from(gold, (g, i) => (i < MIN_GOLD_FOR_CALIBRATION - 1 ? g : -1));
    expect(calibrateResultOnGold(result, few)).toEqual({ result, map: null });
  });

  it('scores each gold item with the map fitted on the other half and the rest with the map of all gold', () => {
    const { data, gold } = crowd();
    const result = majorityVote(data);
    const { result: calibrated, map } = calibrateResultOnGold(result, gold);
    expect(map?.fittedOn).toBe(60);
    const fit = (items: number[]) =>
      calibrateOnGold(
        items.map((i) => result.confidence[i]),
        items.map((i) => (result.label[i] === gold[i] ? 1 : 0)),
      );
    const even = Array.from({ length: 30 }, (_, s) => 2 * s);
    const odd = even.map((i) => i + 1);
    expect(calibrated.confidence[0]).toBeCloseTo(applyConfidenceMap(fit(odd), result.confidence[0]), 12);
    expect(calibrated.confidence[1]).toBeCloseTo(applyConfidenceMap(fit(even), result.confidence[1]), 12);
    expect(calibrated.label).toEqual(result.label);
  });
});

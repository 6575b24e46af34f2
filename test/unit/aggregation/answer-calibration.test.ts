import { describe, expect, it } from 'vitest';
import { calibrateFromAnswers } from '../../../server/aggregation/answer-calibration.ts';
import { dawidSkene } from '../../../server/aggregation/dawid-skene.ts';
import { majorityVote } from '../../../server/aggregation/majority-vote.ts';
import { seededRandom } from '../../../server/aggregation/random.ts';
import type { CategoricalJudgments } from '../../../server/aggregation/types.ts';

/** Judgments from (item, worker, label) triples. */
function judgments(rows: [number, number, number][], nClasses = 2): CategoricalJudgments {
  return {
    nItems: 1 + Math.max(...rows.map((r) => r[0])),
    nWorkers: 1 + Math.max(...rows.map((r) => r[1])),
    nClasses,
    item: Int32Array.from(rows, (r) => r[0]),
    worker: Int32Array.from(rows, (r) => r[1]),
    label: Int32Array.from(rows, (r) => r[2]),
  };
}

/**
 * 400 items, class 0 (accept) on 80% of them. Workers 0 and 1 answer every item, worker 0 always right and worker 1
 * right 90% of the time; item 400 is judged by both, split (worker 0 reject, worker 1 accept), item 401 by worker 1 alone,
 * reject.
 */
function twoAnnotators(): CategoricalJudgments {
  const random = seededRandom(7);
  const rows: [number, number, number][] = [];
  for (let i = 0; i < 400; i++) {
    const truth = random() < 0.8 ? 0 : 1;
    rows.push([i, 0, truth], [i, 1, random() < 0.9 ? truth : 1 - truth]);
  }
  rows.push([400, 0, 1], [400, 1, 0], [401, 1, 1]);
  return judgments(rows);
}

describe('calibrateFromAnswers', () => {
  it('keeps the labels and leaves unjudged items at confidence 0', () => {
    const data = { ...twoAnnotators(), nItems: 403 };
    const raw = dawidSkene(data);
    const { result } = calibrateFromAnswers(data, raw);
    expect(result.label).toEqual(raw.label);
    expect(result.confidence[402]).toBe(0);
    for (let i = 0; i < 402; i++) expect(result.posterior[2 * i] + result.posterior[2 * i + 1]).toBeCloseTo(1, 12);
  });

  it('shows how little two split answers or one answer say', () => {
    const data = twoAnnotators();
    const raw = dawidSkene(data);
    const { result } = calibrateFromAnswers(data, raw);
    // A split between a worker never yet wrong and one right 90% of the time: the first is trusted, but not blindly.
    expect(result.confidence[400]).toBeGreaterThan(0.5);
    expect(result.confidence[400]).toBeLessThan(0.7);
    // One reject, against an 80% accept rate: reject, and far from certain.
    expect(result.label[401]).toBe(1);
    expect(result.confidence[401]).toBeLessThan(0.85);
  });

  it('counts answers that go together for less than independent ones', () => {
    // Ten workers in two blocs of five: within a bloc all copy one coin (right 75% of the time), so an item's ten
    // answers carry two answers' worth of evidence.
    const random = seededRandom(11);
    const rows: [number, number, number][] = [];
    const truth: number[] = [];
    for (let i = 0; i < 300; i++) {
      truth[i] = random() < 0.5 ? 0 : 1;
      for (let bloc = 0; bloc < 2; bloc++) {
        const answer = random() < 0.75 ? truth[i] : 1 - truth[i];
        for (let w = 0; w < 5; w++) rows.push([i, bloc * 5 + w, random() < 0.95 ? answer : 1 - answer]);
      }
    }
    const data = judgments(rows);
    const raw = majorityVote(data);
    const { result, temperature } = calibrateFromAnswers(data, raw);
    expect(temperature).toBeLessThan(0.6);
    // Items where the blocs disagree are a coin flip; independent answers would not say so.
    let split = 0;
    let meanConfidence = 0;
    for (let i = 0; i < 300; i++) {
      const votes = rows.filter((r) => r[0] === i && r[2] === raw.label[i]).length;
      if (votes > 6) continue;
      split++;
      meanConfidence += result.confidence[i];
    }
    expect(split).toBeGreaterThan(20);
    expect(meanConfidence / split).toBeLessThan(0.75);
  });
});

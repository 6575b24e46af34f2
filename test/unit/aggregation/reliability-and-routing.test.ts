import { describe, expect, it } from 'vitest';
import { annotatorReliability } from '../../../server/aggregation/annotator-reliability.ts';
import { routeLowConfidence } from '../../../server/aggregation/confidence-routing.ts';
import { goldWeightedVote } from '../../../server/aggregation/majority-vote.ts';
import { seededRandom } from '../../../server/aggregation/random.ts';

// Four workers on 40 items with truth = item % 3: 0 careful, 1 always answers 2, 2 careful but rushes,
// 3 random and always picks the left-most option.
const random = seededRandom(5);
const item: number[] = [];
const worker: number[] = [];
const label: number[] = [];
const seconds: number[] = [];
const position: number[] = [];
for (let i = 0; i < 40; i++) {
  const truth = i % 3;
  for (let w = 0; w < 4; w++) {
    item.push(i);
    worker.push(w);
    label.push(w === 1 ? 2 : w === 3 ? Math.floor(random() * 3) : truth);
    seconds.push(w === 2 ? 1 + random() : 8 + 4 * random());
    position.push(w === 3 ? 0 : Math.floor(random() * 2));
  }
}
const data = { nItems: 40, nWorkers: 4, nClasses: 3, item: Int32Array.from(item), worker: Int32Array.from(worker), label: Int32Array.from(label) };
const truth = Int32Array.from({ length: 40 }, (_, i) => i % 3);
const gold = Int32Array.from({ length: 40 }, (_, i) => (i < 20 ? i % 3 : -1));

describe('annotatorReliability', () => {
  const table = annotatorReliability({
    data,
    consensus: truth,
    gold,
    seconds: Float64Array.from(seconds),
    position: Int32Array.from(position),
  });
  const codes = (w: number) => table[w].flags.map((f) => f.code).sort();

  it('computes gold accuracy, agreement, speed and a confusion matrix per worker', () => {
    expect(table[0].goldAccuracy).toBe(1);
    expect(table[0].goldAnswers).toBe(20);
    expect(table[0].consensusAgreement).toBe(1);
    expect([...table[0].confusion]).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect([...table[1].confusion]).toEqual([0, 0, 1, 0, 0, 1, 0, 0, 1]);
    expect(table[2].medianSeconds).toBeLessThan(2);
  });

  it('leaves a consensus class a worker never met as NaN, not as a uniform row', () => {
    const data = { nItems: 2, nWorkers: 1, nClasses: 3, item: Int32Array.of(0, 1), worker: Int32Array.of(0, 0), label: Int32Array.of(0, 2) };
    const [row] = annotatorReliability({ data, consensus: Int32Array.of(0, 0) });
    expect([...row.confusion.subarray(0, 3)]).toEqual([0.5, 0, 0.5]);
    expect([...row.confusion.subarray(3)].every(Number.isNaN)).toBe(true);
  });

  it('flags each spammer for the right reasons and nobody else', () => {
    expect(codes(0)).toEqual([]);
    expect(codes(1)).toEqual(['dominant-label', 'low-entropy', 'low-gold-accuracy']);
    expect(codes(2)).toEqual(['too-fast']);
    expect(codes(3)).toContain('position-pattern');
    expect(table[1].flags[0].reason).toMatch(/class 2 in 100% of 40 answers/);
  });
});

describe('goldWeightedVote', () => {
  it('lets accurate workers outvote a confident spammer', () => {
    const result = goldWeightedVote(data, gold);
    expect(result.workerWeight[0]).toBeGreaterThan(result.workerWeight[1]);
    let hits = 0;
    for (let i = 0; i < 40; i++) if (result.label[i] === truth[i]) hits++;
    expect(hits).toBe(40);
  });
});

describe('routeLowConfidence', () => {
  it('lists items below threshold, most doubtful first, with extra slots scaled by the gap', () => {
    const plan = routeLowConfidence(Float64Array.of(0.95, 0.5, 0.79, 0.2, NaN, 0.8), { threshold: 0.8, maxExtraPerItem: 4 });
    expect([...plan.items]).toEqual([4, 3, 1, 2]);
    // gaps: 1 → 4, 0.75 → 3, 0.375 → 2 (ceil 1.5), 0.0125 → at least 1.
    expect([...plan.extraSlots]).toEqual([4, 3, 2, 1]);
    expect(plan.totalExtraSlots).toBe(10);
  });
});

import { describe, expect, it } from 'vitest';
import { reliability } from '../../../server/aggregation/calibration-error.ts';

describe('reliability', () => {
  it('is zero for confidences that match their accuracy and counts each bin', () => {
    // Ten items at 0.8, eight right; ten at 0.3, three right.
    const confidence = [...Array(10).fill(0.8), ...Array(10).fill(0.3)];
    const correct = [...Array(8).fill(1), 0, 0, 1, 1, 1, ...Array(7).fill(0)];
    const r = reliability(confidence, correct);
    expect(r.ece).toBeCloseTo(0, 12);
    expect(r.n).toBe(20);
    expect(r.accuracy).toBeCloseTo(0.55, 12);
    expect(r.bins[8]).toMatchObject({ count: 10, accuracy: 0.8 });
    expect(r.bins[3]).toMatchObject({ count: 10, accuracy: 0.3 });
    expect(r.bins[0]).toMatchObject({ count: 0, accuracy: null });
  });

  it('weighs each bin by its share of items: overconfidence shows as the gap', () => {
    // Confidence 1 (last bin, closed) but right half the time; confidence 0.55 and right half the time.
    const r = reliability([1, 1, 1, 1, 0.55, 0.55], [1, 0, 1, 0, 1, 0]);
    expect(r.bins[9].count).toBe(4);
    expect(r.ece).toBeCloseTo((4 / 6) * 0.5 + (2 / 6) * 0.05, 12);
  });

  it('refuses mismatched inputs and reports nothing for no items', () => {
    expect(() => reliability([0.5], [])).toThrow(/1 confidences for 0 outcomes/);
    expect(reliability([], [])).toMatchObject({ ece: 0, n: 0 });
  });
});

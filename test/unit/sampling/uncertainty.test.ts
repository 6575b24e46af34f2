import { describe, expect, it } from 'vitest';
import { allocateUncertain, pickUncertain, uncertaintyOf, UncertainPicker, type ScoredCandidate } from '../../../server/sampling/uncertainty.ts';

describe('uncertaintyOf', () => {
  it('margin: one minus the gap between the two most likely classes', () => {
    expect(uncertaintyOf([0.1, 0.7, 0.2], 'margin')).toBeCloseTo(0.5);
    expect(uncertaintyOf([0.5, 0.5], 'margin')).toBe(1);
    expect(uncertaintyOf([1, 0], 'margin')).toBe(0);
    expect(uncertaintyOf([1], 'margin')).toBe(0);
  });

  it('entropy: highest when the probabilities are even', () => {
    expect(uncertaintyOf([0.25, 0.25, 0.25, 0.25], 'entropy')).toBeCloseTo(Math.log(4));
    expect(uncertaintyOf([1, 0, 0], 'entropy')).toBe(0);
    expect(uncertaintyOf([0.6, 0.4], 'entropy')).toBeGreaterThan(uncertaintyOf([0.9, 0.1], 'entropy'));
  });

  it('the two measures can disagree: entropy rewards mass spread over far classes, margin the closest call', () => {
    const close = [0.48, 0.47, 0.05, 0, 0, 0];
    const spread = [0.5, 0.1, 0.1, 0.1, 0.1, 0.1];
    expect(uncertaintyOf(close, 'margin')).toBeGreaterThan(uncertaintyOf(spread, 'margin'));
    expect(uncertaintyOf(spread, 'entropy')).toBeGreaterThan(uncertaintyOf(close, 'entropy'));
  });
});

describe('allocateUncertain', () => {
  it('gives each stratum a share in proportion to its candidates', () => {
    const m = allocateUncertain(10, [
      { key: 'web', n: 600 },
      { key: 'wiki', n: 300 },
      { key: 'forum', n: 100 },
    ]);
    expect(Object.fromEntries(m)).toEqual({ web: { min: 6, max: 6 }, wiki: { min: 3, max: 3 }, forum: { min: 1, max: 1 } });
  });

  it('leaves a fractional share between its floor and ceiling', () => {
    const m = allocateUncertain(2, [
      { key: 'a', n: 1 },
      { key: 'b', n: 1 },
      { key: 'c', n: 1 },
    ]);
    expect([...m.values()]).toEqual([
      { min: 0, max: 1 },
      { min: 0, max: 1 },
      { min: 0, max: 1 },
    ]);
  });
});

/** p(keep) for a keep/drop model: 0.5 is the least certain. */
const doc = (id: number, stratum: string, keep: number): ScoredCandidate => ({ id, stratum, probabilities: [1 - keep, keep] });

describe('pickUncertain', () => {
  it('takes the least certain documents, spread over strata in proportion', () => {
    const candidates = [
      // Source a: 6 documents, the three nearest 0.5 are 1, 2, 3.
      doc(1, 'a', 0.5),
      doc(2, 'a', 0.45),
      doc(3, 'a', 0.6),
      doc(4, 'a', 0.9),
      doc(5, 'a', 0.05),
      doc(6, 'a', 0.99),
      // Source b: 2 documents, both quite sure; proportion still gives it one.
      doc(7, 'b', 0.9),
      doc(8, 'b', 0.97),
    ];
    expect(pickUncertain(candidates, 4)).toEqual([1, 2, 3, 7]);
  });

  it('is the same whatever order the candidates arrive in, ties broken by id', () => {
    const candidates = Array.from({ length: 50 }, (_, i) => doc(i + 1, i % 2 ? 'x' : 'y', i % 5 === 0 ? 0.5 : 0.9));
    const reversed = [...candidates].reverse();
    expect(pickUncertain(reversed, 10)).toEqual(pickUncertain(candidates, 10));
    // Even ids are stratum x; every fifth document (ids 1, 6, 11, ...) is the unsure one; x gives its five.
    expect(pickUncertain(candidates, 10).slice(0, 5)).toEqual([6, 16, 26, 36, 46]);
  });

  it('fed page by page, keeps only the best per stratum and gives what one pass over everything gives', () => {
    const candidates = Array.from({ length: 999 }, (_, i) => doc(i + 1, ['a', 'b', 'c'][i % 3], ((i * 7919) % 1000) / 1000));
    const counts = [
      { key: 'a', n: 333 },
      { key: 'b', n: 333 },
      { key: 'c', n: 333 },
    ];
    const picker = new UncertainPicker(allocateUncertain(30, counts), 'margin', 30);
    for (let i = 0; i < candidates.length; i += 37) picker.add(candidates.slice(i, i + 37));
    const { ids: paged, byStratum } = picker.picked();
    expect(Object.fromEntries(byStratum)).toEqual({ a: 10, b: 10, c: 10 });
    expect(paged).toEqual(pickUncertain(candidates, 30));
    expect(paged).toHaveLength(30);
    // Every picked document is at least as unsure as every one left out of its stratum.
    for (const stratum of ['a', 'b', 'c']) {
      const mine = candidates.filter((c) => c.stratum === stratum);
      const pickedU = mine.filter((c) => paged.includes(c.id)).map((c) => uncertaintyOf(c.probabilities, 'margin'));
      const leftU = mine.filter((c) => !paged.includes(c.id)).map((c) => uncertaintyOf(c.probabilities, 'margin'));
      expect(pickedU).toHaveLength(10);
      expect(Math.min(...pickedU)).toBeGreaterThanOrEqual(Math.max(...leftU));
    }
  });

  it('with a source per document, the rounding seats go to the least certain documents, not to names in order', () => {
    // 100 singleton sources: every share is 0.1 of a seat. Documents of sources late in the alphabet are the unsure ones.
    const candidates = Array.from({ length: 100 }, (_, i) => doc(i + 1, `site-${String(i).padStart(3, '0')}`, i >= 90 ? 0.5 : 0.95));
    expect(pickUncertain(candidates, 10).sort((a, b) => a - b)).toEqual([91, 92, 93, 94, 95, 96, 97, 98, 99, 100]);
  });

  it('gives every candidate when asked for more than there are', () => {
    expect(pickUncertain([doc(1, 'a', 0.2), doc(2, 'b', 0.3)], 10).sort()).toEqual([1, 2]);
    expect(pickUncertain([], 10)).toEqual([]);
  });
});

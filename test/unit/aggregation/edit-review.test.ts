import { describe, expect, it } from 'vitest';
import { levenshtein } from '../../../server/aggregation/edit-distance.ts';
import { summarizeEditReviews } from '../../../server/aggregation/edit-review.ts';
import { seededRandom } from '../../../server/aggregation/random.ts';

/** Full-table Levenshtein, the obvious definition, to check the one-row version against. */
function referenceLevenshtein(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, k) => (i === 0 ? k : k === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let k = 1; k <= b.length; k++) {
      d[i][k] = Math.min(d[i - 1][k] + 1, d[i][k - 1] + 1, d[i - 1][k - 1] + (a[i - 1] === b[k - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

describe('levenshtein', () => {
  it('handles the classic cases', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('sitting', 'kitten')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('abc', 'abc')).toBe(0);
    expect(levenshtein('flaw', 'lawn')).toBe(2);
    expect(levenshtein('intention', 'execution')).toBe(5);
  });

  it('counts code points, not UTF-16 units', () => {
    expect(levenshtein('😀', '😃')).toBe(1);
    expect(levenshtein('a😀b', 'ab')).toBe(1);
    expect(levenshtein('naïve café', 'naive cafe')).toBe(2);
    expect(levenshtein('日本語', '日本')).toBe(1);
  });

  it('agrees with the full-table definition on random strings', () => {
    const random = seededRandom(7);
    const word = () => Array.from({ length: Math.floor(random() * 12) }, () => 'abc'[Math.floor(random() * 3)]).join('');
    for (let t = 0; t < 300; t++) {
      const a = word();
      const b = word();
      expect(levenshtein(a, b)).toBe(referenceLevenshtein(a, b));
    }
  });
});

describe('summarizeEditReviews', () => {
  it('reports accept rate, tag shares, and distance statistics over the corrections', () => {
    const summary = summarizeEditReviews([
      { accepted: true },
      { accepted: false, errorTags: ['factual', 'style', 'factual'], correction: { original: 'cat', corrected: 'cut' } },
      { accepted: false, errorTags: ['factual'], correction: { original: 'abc', corrected: 'xyz' } },
      { accepted: true, errorTags: ['style'], correction: { original: 'ab', corrected: 'abcd' } },
      { accepted: false, errorTags: ['unsafe'] },
    ]);
    expect(summary.reviews).toBe(5);
    expect(summary.acceptRate).toBe(0.4);
    expect(summary.correctedRate).toBe(0.6);
    expect(summary.errorTags).toEqual([
      { tag: 'factual', count: 2, share: 0.4 },
      { tag: 'style', count: 2, share: 0.4 },
      { tag: 'unsafe', count: 1, share: 0.2 },
    ]);
    // Distances 1, 3, 2: reviews without a correction do not count as zero-distance edits.
    expect(summary.editDistance.mean).toBe(2);
    expect(summary.editDistance.median).toBe(2);
    expect(summary.editDistance.p90).toBeCloseTo(2.8, 12);
  });

  it('has no distance statistics without corrections', () => {
    const summary = summarizeEditReviews([{ accepted: true }, { accepted: false, errorTags: ['factual'] }]);
    expect(summary.correctedRate).toBe(0);
    expect(summary.editDistance.mean).toBeNaN();
    expect(summary.editDistance.median).toBeNaN();
  });
});

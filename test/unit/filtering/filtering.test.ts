import { describe, expect, it } from 'vitest';
import { thresholdCurve, thresholdReport, type FilterItem } from '../../../server/filtering/threshold-report.ts';
import { tokenBudget } from '../../../server/filtering/token-budget.ts';

const items: FilterItem[] = [
  { score: 4.5, tokens: 100, source: 'wiki', reference: 5 },
  { score: 3.2, tokens: 200, source: 'wiki', reference: 2 },
  { score: 1.0, tokens: 300, source: 'forum', reference: 4 },
  { score: 0.5, tokens: 400, source: 'forum', reference: 0 },
  { score: 3.0, tokens: 1000, source: null },
];

describe('thresholdReport', () => {
  it('counts kept items and tokens overall and per source', () => {
    const r = thresholdReport(items, 3);
    expect(r).toMatchObject({ items: 5, kept: 3, keptShare: 0.6, tokens: 2000, keptTokens: 1300, keptTokenShare: 0.65 });
    expect(r.bySource).toEqual([
      { source: 'forum', items: 2, kept: 0, keptShare: 0, keptTokens: 0 },
      { source: 'wiki', items: 2, kept: 2, keptShare: 1, keptTokens: 300 },
      { source: '(none)', items: 1, kept: 1, keptShare: 1, keptTokens: 1000 },
    ]);
  });

  it('measures precision and recall against reference items only', () => {
    // Reference keeps 5 and 4; we keep 4.5 and 3.2 → TP 1, predicted 2, actual 2.
    const r = thresholdReport(items, 3);
    expect(r.reference).toEqual({ items: 4, precision: 0.5, recall: 0.5, f1: 0.5 });
  });

  it('has no precision when nothing is kept, and no recall when the reference keeps nothing', () => {
    expect(thresholdReport(items, 10).reference).toMatchObject({ precision: null, recall: null, f1: null });
    expect(thresholdReport([], 1)).toMatchObject({ items: 0, keptShare: 0, keptTokenShare: 0 });
  });

  it('traces a curve: kept share falls as the threshold rises', () => {
    const curve = thresholdCurve(items, [0, 1, 2, 3, 4, 5]);
    expect(curve.map((c) => c.keptShare)).toEqual([1, 0.8, 0.6, 0.6, 0.2, 0]);
    expect(curve[0].recall).toBe(1);
  });
});

describe('tokenBudget', () => {
  it('follows about 20 tokens per parameter and divides by the keep rate', () => {
    expect(tokenBudget(1e9, 0.25)).toEqual({ parameters: 1e9, tokensNeeded: 2e10, keepRate: 0.25, rawTokensToCollect: 8e10 });
    expect(tokenBudget(7e9, 1).rawTokensToCollect).toBe(1.4e11);
  });

  it('has no raw budget when nothing is kept, and refuses nonsense', () => {
    expect(tokenBudget(1e9, 0).rawTokensToCollect).toBeNull();
    expect(() => tokenBudget(0, 0.5)).toThrow(RangeError);
    expect(() => tokenBudget(1e9, 1.5)).toThrow(RangeError);
  });
});

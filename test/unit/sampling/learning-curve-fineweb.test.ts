/**
 * The active-learning loop simulated on fineweb_legal's real pages with the real classifier: after the same number
 * of labels, uncertainty sampling (margin, spread over web domains) leaves a classifier no worse than random
 * sampling's on the held-out pages. Skipped visibly without ../shared, failed in CI, as the other dataset tests are.
 */
import { describe, expect, it } from 'vitest';
import { learningCurve } from '../../../server/sampling/learning-curve.ts';
import { finewebLegalPool } from '../../../scripts/bench/fineweb-legal.ts';
import { haveQualityData, reportMissingQualityData } from '../classifier/quality-data.ts';

reportMissingQualityData('the fineweb_legal learning-curve test');

describe.runIf(haveQualityData)('learning curve on fineweb_legal', () => {
  it('uncertainty sampling ends no worse than random sampling, at 2,000 labels from a pool of 2,240', { timeout: 1_800_000 }, () => {
    const { pool, heldOut } = finewebLegalPool();
    const settings = { classes: ['0', '1', '2', '3', '4', '5'], start: 200, step: 300, until: 2000, seed: 1, keepAt: 3 };
    const random = learningCurve(pool, heldOut, 'random', settings);
    const margin = learningCurve(pool, heldOut, 'margin', settings);
    const line = (name: string, c: typeof random) =>
      `${name}: ${c.map((p) => `${p.labels} ${p.spearman?.toFixed(3)}/${p.keepF1?.toFixed(3)}`).join(', ')}`;
    console.log(`Spearman/keep F1 by labels\n${line('random', random)}\n${line('margin', margin)}`);
    expect(margin.map((p) => p.labels)).toEqual([200, 500, 800, 1100, 1400, 1700, 2000]);
    // Both start from the same seeded 200 pages.
    expect(margin[0]).toEqual(random[0]);
    const [r, m] = [random.at(-1)!, margin.at(-1)!];
    expect(m.spearman!).toBeGreaterThan(r.spearman! - 0.01);
    expect(m.keepF1!).toBeGreaterThan(r.keepF1! - 0.02);
  });
});

import { describe, expect, it } from 'vitest';
import { offsetText } from '../../../client/lib/format.ts';
import { parseBudget, percent, rowShares } from '../../../client/admin/quality/judges-section.ts';

describe("quality page's judges section", () => {
  it('turns confusion counts into row shares, an empty row into no data', () => {
    expect(
      rowShares([
        [3, 1],
        [0, 0],
      ]),
    ).toEqual([
      [0.75, 0.25],
      [null, null],
    ]);
  });

  it('writes the offset signed with its interval, and shares as percentages', () => {
    expect(offsetText({ mean: 0.348, low: 0.1, high: 0.6 })).toBe('+0.35 (0.10 to 0.60)');
    expect(offsetText({ mean: -0.5, low: -0.9, high: -0.1 })).toBe('-0.50 (-0.90 to -0.10)');
    expect(offsetText(null)).toBe('—');
    expect(percent(0.8)).toBe('80%');
    expect(percent(null)).toBe('—');
  });

  it('accepts a whole budget within the bound the report route takes', () => {
    expect(parseBudget('600')).toBe(600);
    expect(parseBudget('0')).toBe(0);
    expect(parseBudget(3000)).toBe(3000);
    expect(parseBudget(null)).toBeNull();
    expect(parseBudget('')).toBeNull();
    expect(parseBudget('1.5')).toBeNull();
    expect(parseBudget('-1')).toBeNull();
    expect(parseBudget('50001')).toBeNull();
  });
});

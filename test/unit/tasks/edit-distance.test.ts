import { describe, expect, it } from 'vitest';
import { editDistance, normalizedEditDistance } from '../../../tasks/lib/edit-distance.ts';

describe('editDistance', () => {
  it.each([
    ['kitten', 'sitting', 3],
    ['flaw', 'lawn', 2],
    ['', '', 0],
    ['', 'abc', 3],
    ['abc', '', 3],
    ['same', 'same', 0],
    ['intention', 'execution', 5],
  ])('%j → %j is %i', (a, b, expected) => {
    expect(editDistance(a, b)).toBe(expected);
    expect(editDistance(b, a)).toBe(expected);
  });

  it('counts code points, not UTF-16 units', () => {
    expect(editDistance('😀', '😃')).toBe(1);
    expect(editDistance('naïve café', 'naive cafe')).toBe(2);
    expect(editDistance('日本語', '日本')).toBe(1);
  });

  it('normalises by the longer string', () => {
    expect(normalizedEditDistance('', '')).toBe(0);
    expect(normalizedEditDistance('abc', 'xyz')).toBe(1);
    expect(normalizedEditDistance('kitten', 'sitting')).toBeCloseTo(3 / 7);
  });
});

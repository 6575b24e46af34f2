import { describe, expect, it } from 'vitest';
import { allocateStrata } from '../../../server/sampling/allocate-strata.ts';

const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

describe('allocateStrata', () => {
  it('follows target proportions exactly when every stratum has room', () => {
    const m = allocateStrata(12, [
      { key: 'wiki', available: 100, weight: 0.5 },
      { key: 'forum', available: 100, weight: 0.25 },
      { key: 'code', available: 100, weight: 0.25 },
    ]);
    expect(Object.fromEntries(m)).toEqual({ wiki: 6, forum: 3, code: 3 });
  });

  it('hands a small stratum’s shortfall to the others, in proportion', () => {
    const m = allocateStrata(30, [
      { key: 'a', available: 2, weight: 1 },
      { key: 'b', available: 100, weight: 1 },
      { key: 'c', available: 100, weight: 1 },
    ]);
    expect(Object.fromEntries(m)).toEqual({ a: 2, b: 14, c: 14 });
  });

  it('rounds by largest remainder and never exceeds what is available', () => {
    const m = allocateStrata(10, [
      { key: 'a', available: 5, weight: 1 },
      { key: 'b', available: 5, weight: 1 },
      { key: 'c', available: 5, weight: 1 },
    ]);
    expect(total(m)).toBe(10);
    for (const v of m.values()) expect(v).toBeLessThanOrEqual(5);
    expect(allocateStrata(100, [{ key: 'a', available: 7, weight: 1 }]).get('a')).toBe(7);
  });

  it('gives nothing to zero-weight strata and still fills tiny samples', () => {
    const m = allocateStrata(1, [
      { key: 'a', available: 10, weight: 1 },
      { key: 'b', available: 10, weight: 1 },
      { key: 'z', available: 10, weight: 0 },
    ]);
    expect(total(m)).toBe(1);
    expect(m.get('z')).toBe(0);
  });

  it('is deterministic', () => {
    const strata = [
      { key: 'x', available: 9, weight: 0.3 },
      { key: 'y', available: 50, weight: 0.3 },
      { key: 'w', available: 50, weight: 0.4 },
    ];
    expect([...allocateStrata(37, strata)]).toEqual([...allocateStrata(37, strata)]);
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { SETTLE_MS, settledFetch } from '../../../client/admin/export/settled-fetch.ts';

afterEach(() => vi.useRealTimers());

describe('settledFetch', () => {
  it('asks once the inputs rest, and drops an answer that arrives after newer inputs', async () => {
    vi.useFakeTimers();
    const results: string[] = [];
    let answer!: (v: string) => void;
    const fetch = vi.fn(() => new Promise<string>((resolve) => (answer = resolve)));
    const cancel = settledFetch(
      fetch,
      (r) => results.push(r),
      () => results.push('error'),
    );
    vi.advanceTimersByTime(SETTLE_MS - 1);
    expect(fetch).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fetch).toHaveBeenCalledOnce();
    cancel();
    answer('stale');
    await Promise.resolve();
    expect(results).toEqual([]);

    settledFetch(
      () => Promise.resolve('fresh'),
      (r) => results.push(r),
      () => results.push('error'),
    );
    await vi.advanceTimersByTimeAsync(SETTLE_MS);
    expect(results).toEqual(['fresh']);
  });

  it('never asks when cancelled before the inputs rest', () => {
    vi.useFakeTimers();
    const fetch = vi.fn(() => Promise.resolve(1));
    settledFetch(
      fetch,
      () => {},
      () => {},
    )();
    vi.advanceTimersByTime(SETTLE_MS * 2);
    expect(fetch).not.toHaveBeenCalled();
  });
});

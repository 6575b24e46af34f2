import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DEPTH,
  leaseRequest,
  MAX_DEPTH,
  MAX_KNOWN,
  mergeLeased,
  MIN_DEPTH,
  MovingAverage,
  PaceMeter,
  prefetchDepth,
} from '../../../client/annotate/prefetch.ts';
import { OneAtATime } from '../../../client/annotate/one-at-a-time.ts';

const tasks = (...slots: number[]) => slots.map((slotId) => ({ slotId }));

describe('prefetchDepth', () => {
  it('holds the default until pace and round trip are known', () => {
    expect(prefetchDepth(null, 300)).toBe(DEFAULT_DEPTH);
    expect(prefetchDepth(250, null)).toBe(DEFAULT_DEPTH);
  });

  it('holds what the annotator gets through in two round trips, plus two, within bounds', () => {
    // 250 ms a label, 300 ms a call: 600 / 250 -> 3 used, 5 held.
    expect(prefetchDepth(250, 300)).toBe(5);
    expect(prefetchDepth(5000, 20)).toBe(MIN_DEPTH);
    expect(prefetchDepth(100, 2000)).toBe(MAX_DEPTH);
    expect(prefetchDepth(0, 300)).toBe(MAX_DEPTH);
  });
});

describe('PaceMeter and MovingAverage', () => {
  it('averages the gaps between answers, a long break counting as one minute', () => {
    const pace = new PaceMeter();
    pace.answered(0);
    expect(pace.msPerTask).toBeNull();
    pace.answered(250);
    expect(pace.msPerTask).toBe(250);
    pace.answered(250 + 3_600_000);
    expect(pace.msPerTask).toBeCloseTo(250 + 0.3 * (60_000 - 250));
  });

  it('moves a part of the way to each new sample', () => {
    const average = new MovingAverage();
    average.add(100);
    average.add(200);
    expect(average.value).toBeCloseTo(130);
  });
});

describe('leaseRequest', () => {
  it('asks for what is missing from the depth and names the queue and the unsent answers', () => {
    expect(leaseRequest(5, tasks(1, 2), tasks(7, 8, 2))).toEqual({ count: 3, known: [1, 2, 7, 8] });
  });

  it('asks for one at least, at most ten, and names at most what the server takes', () => {
    expect(leaseRequest(3, tasks(1, 2, 3, 4), []).count).toBe(1);
    expect(leaseRequest(20, [], []).count).toBe(10);
    const many = tasks(...Array.from({ length: 150 }, (_, i) => i + 1));
    expect(leaseRequest(4, [], many).known).toHaveLength(MAX_KNOWN);
  });
});

describe('mergeLeased', () => {
  it('keeps the task on screen first, the held rest of the queue, then the new tasks', () => {
    const merged = mergeLeased({ queue: tasks(1, 2, 3), leased: tasks(4, 5), held: [1, 2, 3, 4, 5], settled: new Set() });
    expect(merged.map((t) => t.slotId)).toEqual([1, 2, 3, 4, 5]);
  });

  it('drops queued tasks the server no longer holds, but never the one on screen', () => {
    const merged = mergeLeased({ queue: tasks(1, 2, 3), leased: [], held: [3], settled: new Set() });
    expect(merged.map((t) => t.slotId)).toEqual([1, 3]);
  });

  it('never brings back a slot answered meanwhile, nor one twice', () => {
    const merged = mergeLeased({ queue: tasks(1, 2), leased: tasks(2, 4, 5), held: [1, 2, 4, 5], settled: new Set([1, 5]) });
    expect(merged.map((t) => t.slotId)).toEqual([2, 4]);
  });
});

describe('OneAtATime', () => {
  it('runs one at a time and once more for calls made while running', async () => {
    let runs = 0;
    let active = 0;
    let most = 0;
    const job = new OneAtATime(async () => {
      runs += 1;
      active += 1;
      most = Math.max(most, active);
      await new Promise((resolve) => setTimeout(resolve, 5));
      active -= 1;
    });
    await Promise.all([job.run(), job.run(), job.run()]);
    expect({ runs, most }).toEqual({ runs: 2, most: 1 });
    await job.run();
    expect(runs).toBe(3);
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { buildBatch, buildDocuments } from '../support/factories.ts';
import { EXACT_PROGRESS_UP_TO_ITEMS, labelingProgressFor, SHARED_PROGRESS_TTL_MS } from '../../server/commands/labeling-progress.ts';
import { workerKeyOfUser } from '../../server/commands/worker-key.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());
afterEach(() => vi.useRealTimers());

const documents = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, text: `${prefix} text ${i}` }));

describe('the shared part of labeling progress', () => {
  it('is read on every lease up to the exact limit', async () => {
    const project = await t.buildProject();
    await buildDocuments(t, project.id, documents('a', 12));
    await buildBatch(t, project.id, { size: 10, redundancy: 1 });
    const progress = () => labelingProgressFor(t.ctx, project.id, t.admin.id, workerKeyOfUser(t.admin.id));
    expect((await progress()).progress.items).toBe(10);
    await buildBatch(t, project.id, { size: 2, redundancy: 1 });
    expect((await progress()).progress.items).toBe(12);
  });

  it('past the limit, is served from the last read until it is a second old, then refreshed without holding the lease up', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const size = EXACT_PROGRESS_UP_TO_ITEMS + 1;
    const project = await t.buildProject();
    await buildDocuments(t, project.id, documents('b', size + 5));
    await buildBatch(t, project.id, { size, redundancy: 1 });
    const progress = async () => (await labelingProgressFor(t.ctx, project.id, t.admin.id, workerKeyOfUser(t.admin.id))).progress.items;
    expect(await progress()).toBe(size);

    await buildBatch(t, project.id, { size: 5, redundancy: 1 });
    vi.advanceTimersByTime(SHARED_PROGRESS_TTL_MS - 1);
    expect(await progress()).toBe(size);

    vi.advanceTimersByTime(1);
    // The lease that finds the figure stale still answers with it, and starts the read that brings the next up to date.
    expect(await progress()).toBe(size);
    await expect.poll(progress).toBe(size + 5);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { startMturkEmulator, type MturkEmulator } from '../support/mturk-emulator/index.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { buildBatch, buildDocuments, buildTokenClient } from '../support/factories.ts';
import { rowsOf } from '../../server/db/store.ts';
import { crowdSwapped } from '../../server/crowd/display-order.ts';
import { contentChoice } from '../../tasks/pairwise-preference/index.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

let emulator: MturkEmulator;
let t: TestApp;

beforeAll(async () => {
  emulator = await startMturkEmulator({ balance: '50.00' });
  t = await startTestApp({ MTURK_ENDPOINT: emulator.url, PUBLIC_URL: 'http://127.0.0.1:9' });
});
afterAll(async () => {
  await t.close();
  await emulator.close();
});

describe('pairwise crowd answers (issue 12, finding 9)', () => {
  it('refuses a content choice that contradicts the order the worker page served, and records the served order', async () => {
    const admin = await buildTokenClient(t, 'admin');
    const project = await t.buildProject({ taskType: 'pairwise-preference' });
    await buildDocuments(
      t,
      project.id,
      [0, 1].map((i) => ({
        id: `cw${i}`,
        text: `prompt ${i} ${randomUUID()}`,
        prompt: `prompt ${i}`,
        response_a: `first ${i}`,
        response_b: `second ${i}`,
      })),
    );
    const { batch } = await buildBatch(t, project.id, { redundancy: 1, channel: 'crowd' }, false);
    const publish = {
      itemsPerHit: 2,
      reward: '0.10',
      title: 'Compare responses',
      description: 'Pick the better one',
      budget: '5.00',
      assignmentDurationSeconds: 600,
    };
    await admin.post(`/api/batches/${batch.id}/crowd/publish`, publish).expect(200);
    const status = await admin.get(`/api/projects/${project.id}/crowd/status`).expect(200);
    const hit = status.body.hits[0] as { externalId: string; itemIds: number[] };
    const assignmentId = `A${randomUUID().replaceAll('-', '').slice(0, 20)}`;
    const answer = (itemId: number, claimSwapped: (served: boolean) => boolean) => {
      const choice = contentChoice('left', claimSwapped(crowdSwapped(assignmentId, Number(itemId))));
      return { itemId: Number(itemId), value: { screenChoice: 'left', choice }, timeSpentMs: 1000 };
    };
    const send = (judgments: unknown[]) =>
      fetch(`${t.url}/api/mturk/submissions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ hitId: hit.externalId, assignmentId, workerId: 'W1', judgments }),
      });

    const flipped = await send(hit.itemIds.map((id, i) => answer(id, (served) => (i === 0 ? !served : served))));
    expect(flipped.status).toBe(400);
    expect(((await flipped.json()) as { error: { message: string } }).error.message).toMatch(/judgments\.0\.value: choice: left was response/);
    const pending = async () =>
      rowsOf<{ item_id: number; swapped: boolean }>(
        t.ctx.store.db,
        sql`select item_id::int as item_id, swapped from judgments where project_id = ${project.id} order by item_id`,
      );
    expect(await pending()).toEqual([]);

    const honest = await send(hit.itemIds.map((id) => answer(id, (served) => served)));
    expect(honest.status).toBe(201);
    expect(await pending()).toEqual(
      hit.itemIds.map((id) => ({ item_id: Number(id), swapped: crowdSwapped(assignmentId, Number(id)) })).sort((a, b) => a.item_id - b.item_id),
    );
  });
});

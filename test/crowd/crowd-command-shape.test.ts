import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { startMturkEmulator, type MturkEmulator } from '../support/mturk-emulator/index.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { buildBatch, buildDocuments } from '../support/factories.ts';
import { rowsOf } from '../../server/db/store.ts';
import { findBatch } from '../../server/db/queries/batches.ts';
import { listHits } from '../../server/db/queries/crowd.ts';
import { crowdChannelOf } from '../../server/crowd/channel-of.ts';
import { publishCrowdBatch } from '../../server/commands/publish-crowd.ts';
import { mturkPublishOptionsSchema as publishOptionsSchema } from '../../server/crowd/mturk/publish-options.ts';
import { blockCrowdWorker, expireCrowdBatch } from '../../server/commands/manage-crowd.ts';

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

/** An actor id no user has: the audit entry's foreign key refuses it, after the change itself was written. */
const NO_SUCH_ACTOR = 2_000_000_000;
const options = publishOptionsSchema.parse({
  itemsPerHit: 2,
  reward: '0.10',
  title: 'Rate web text',
  description: 'Rate each document',
  budget: '5.00',
});

async function crowdBatch() {
  const project = await t.buildProject();
  await buildDocuments(
    t,
    project.id,
    Array.from({ length: 4 }, (_, i) => ({ id: `d${i}`, text: `crowd shape ${i} ${randomUUID()}` })),
  );
  const { batch } = await buildBatch(t, project.id, { redundancy: 2, channel: 'crowd' }, false);
  return batch.id;
}

describe('crowd commands write their change and its audit entry together', () => {
  it('leaves a batch in draft when its publishing cannot be audited, and a rerun finishes it without new HITs', async () => {
    const batchId = await crowdBatch();
    const channel = crowdChannelOf(t.ctx);
    await expect(publishCrowdBatch(t.ctx, channel, { actorId: NO_SUCH_ACTOR, batchId, options })).rejects.toThrow();
    expect((await findBatch(t.ctx.store.db, batchId))?.status).toBe('draft');
    const rerun = await publishCrowdBatch(t.ctx, channel, { actorId: t.admin.id, batchId, options });
    expect(rerun).toMatchObject({ published: 0, alreadyPublished: 2 });
    expect((await findBatch(t.ctx.store.db, batchId))?.status).toBe('open');
  });

  it('keeps HITs marked live when their expiry cannot be audited', async () => {
    const batchId = await crowdBatch();
    const channel = crowdChannelOf(t.ctx);
    await publishCrowdBatch(t.ctx, channel, { actorId: t.admin.id, batchId, options });
    await expect(expireCrowdBatch(t.ctx, channel, { actorId: NO_SUCH_ACTOR, batchId })).rejects.toThrow();
    expect((await listHits(t.ctx.store.db, { batchId })).map((h) => h.status)).not.toContain('expired');
    expect(await expireCrowdBatch(t.ctx, channel, { actorId: t.admin.id, batchId })).toEqual({ expired: 2 });
  });

  it('does not remember a block it could not audit', async () => {
    const workerId = `W${randomUUID().slice(0, 8)}`;
    const blocked = () => rowsOf<{ blocked: boolean }>(t.ctx.store.db, sql`select blocked from crowd_workers where worker_id = ${workerId}`);
    await expect(blockCrowdWorker(t.ctx, crowdChannelOf(t.ctx), { actorId: NO_SUCH_ACTOR, workerId, reason: 'spam' })).rejects.toThrow();
    expect(await blocked()).toEqual([]);
    await blockCrowdWorker(t.ctx, crowdChannelOf(t.ctx), { actorId: t.admin.id, workerId, reason: 'spam' });
    expect(await blocked()).toEqual([{ blocked: true }]);
  });
});

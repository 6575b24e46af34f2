import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { buildBatch, buildDocuments, buildTokenClient } from '../support/factories.ts';
import { rowsOf } from '../../server/db/store.ts';
import { expireLeases } from '../../server/db/queries/leases.ts';
import { closeBatch } from '../../server/commands/manage-batches.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

type Client = Awaited<ReturnType<typeof buildTokenClient>>;
type Task = { slotId: number; itemId: number; swapped: boolean; payload: unknown };

/** A project every annotator may label, so these tests do not depend on membership. */
async function buildOpenProject(overrides: Parameters<TestApp['buildProject']>[0] = {}) {
  const project = await t.buildProject(overrides);
  await t.ctx.store.db.execute(sql`update projects set open_to_all = true where id = ${project.id}`);
  return project;
}

const rating = (score: number) => ({ score });
const docs = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, text: `${prefix} document ${i} ${randomUUID()}` }));

async function lease(client: Client, projectId: number, count = 1): Promise<Task[]> {
  const res = await client.post(`/api/projects/${projectId}/tasks/lease`, { count }).expect(200);
  return res.body.tasks;
}

function submit(client: Client, projectId: number, slotId: number, value: unknown = rating(3), clientId = randomUUID()) {
  return client.post(`/api/projects/${projectId}/judgments`, { clientId, slotId, value, timeSpentMs: 1000 });
}

const slotsOfBatch = async (batchId: number) =>
  (
    await rowsOf<{ id: number; item_id: number }>(t.ctx.store.db, sql`select id, item_id from slots where batch_id = ${batchId} order by ordinal`)
  ).map((r) => ({
    id: Number(r.id),
    itemId: Number(r.item_id),
  }));

const judgmentCount = async (projectId: number) =>
  (await rowsOf<{ n: number }>(t.ctx.store.db, sql`select count(*)::int as n from judgments where project_id = ${projectId} and kind = 'label'`))[0]
    .n;

const slotRow = async (slotId: number) =>
  (
    await rowsOf<{ status: string; leased_by: number | null }>(
      t.ctx.store.db,
      sql`select status, leased_by::int as leased_by from slots where id = ${slotId}`,
    )
  )[0];

describe('a judgment lands only in a slot its author holds in an open batch of the project (issue 12, finding 3)', () => {
  it('refuses a slot of a draft batch', async () => {
    const project = await buildOpenProject();
    await buildDocuments(t, project.id, docs(1, 'dr'));
    const draft = await buildBatch(t, project.id, { redundancy: 1 }, false);
    const a = await buildTokenClient(t);
    const [slot] = await slotsOfBatch(draft.batch.id);
    const res = await submit(a, project.id, slot.id);
    expect(res.status).toBe(409);
    expect(res.body.error.id).toBe('batch_not_open');
    expect(await judgmentCount(project.id)).toBe(0);
  });

  it('refuses a slot of a closed batch, even one the caller had leased', async () => {
    const project = await buildOpenProject();
    await buildDocuments(t, project.id, docs(2, 'cl'));
    const batch = await buildBatch(t, project.id, { redundancy: 1 });
    const a = await buildTokenClient(t);
    const [task] = await lease(a, project.id);
    await closeBatch(t.ctx, { actorId: t.admin.id, batchId: batch.batch.id });
    const res = await submit(a, project.id, task.slotId);
    expect(res.status).toBe(409);
    expect(res.body.error.id).toBe('batch_not_open');
    expect(await judgmentCount(project.id)).toBe(0);
  });

  it('refuses a slot leased to another annotator and leaves their lease alone', async () => {
    const project = await buildOpenProject();
    await buildDocuments(t, project.id, docs(1, 'ot'));
    await buildBatch(t, project.id, { redundancy: 2 });
    const [a, b] = [await buildTokenClient(t), await buildTokenClient(t)];
    const [taskOfB] = await lease(b, project.id);
    const res = await submit(a, project.id, taskOfB.slotId);
    expect(res.status).toBe(409);
    expect(res.body.error.id).toBe('lease_expired');
    expect(await judgmentCount(project.id)).toBe(0);
    expect(await slotRow(taskOfB.slotId)).toMatchObject({ status: 'leased', leased_by: b.user.id });
    await submit(b, project.id, taskOfB.slotId).expect(201);
  });

  it("refuses another project's slot", async () => {
    const project = await buildOpenProject();
    const other = await buildOpenProject();
    await buildDocuments(t, other.id, docs(1, 'op'));
    const otherBatch = await buildBatch(t, other.id, { redundancy: 1 });
    const a = await buildTokenClient(t);
    const [slot] = await slotsOfBatch(otherBatch.batch.id);
    expect((await submit(a, project.id, slot.id)).status).toBe(404);
    expect(await judgmentCount(other.id)).toBe(0);
  });

  it('refuses an open slot of an open batch that the caller never leased', async () => {
    const project = await buildOpenProject();
    await buildDocuments(t, project.id, docs(2, 'nl'));
    const batch = await buildBatch(t, project.id, { redundancy: 1 });
    const a = await buildTokenClient(t);
    const slots = await slotsOfBatch(batch.batch.id);
    const res = await submit(a, project.id, slots[1].id);
    expect(res.status).toBe(409);
    expect(res.body.error.id).toBe('not_leased');
    expect(await judgmentCount(project.id)).toBe(0);
    expect(await slotRow(slots[1].id)).toMatchObject({ status: 'open', leased_by: null });
  });

  it('in training mode, reveals no gold answer of an item the caller was never served', async () => {
    const project = await buildOpenProject();
    await buildDocuments(t, project.id, docs(3, 'gl'));
    const admin = await buildTokenClient(t, 'admin');
    await admin.put(`/api/projects/${project.id}/gold`, { answers: [{ externalId: 'gl0', answer: rating(4) }] }).expect(200);
    await t.ctx.store.db.execute(sql`update projects set training_mode = true where id = ${project.id}`);
    const batch = await buildBatch(t, project.id, { size: 1, redundancy: 1, goldRate: 0.5 });
    const [gold] = await rowsOf<{ id: number }>(
      t.ctx.store.db,
      sql`select s.id from slots s join items i on i.id = s.item_id where s.batch_id = ${batch.batch.id} and i.is_gold`,
    );
    const a = await buildTokenClient(t);
    const probe = await submit(a, project.id, Number(gold.id), rating(0));
    expect(probe.status).toBe(409);
    expect(JSON.stringify(probe.body)).not.toMatch(/expected|score/);
    // Served to the caller, the same item answers with its feedback.
    const tasks = await lease(a, project.id, 5);
    expect(tasks.map((x) => x.slotId)).toContain(Number(gold.id));
    const graded = await submit(a, project.id, Number(gold.id), rating(0)).expect(201);
    expect(graded.body.feedback).toMatchObject({ correct: false, expected: rating(4) });
  });

  it('keeps answering a retry with the first result after the batch closed', async () => {
    const project = await buildOpenProject();
    await buildDocuments(t, project.id, docs(1, 'rt'));
    const batch = await buildBatch(t, project.id, { redundancy: 1 });
    const a = await buildTokenClient(t);
    const [task] = await lease(a, project.id);
    const clientId = randomUUID();
    const first = await submit(a, project.id, task.slotId, rating(2), clientId).expect(201);
    await closeBatch(t.ctx, { actorId: t.admin.id, batchId: batch.batch.id });
    const retry = await submit(a, project.id, task.slotId, rating(2), clientId).expect(200);
    expect(retry.body).toMatchObject({ replayed: true, judgment: { id: first.body.judgment.id } });
  });

  describe('a submit whose lease expired', () => {
    it('is accepted while nobody else took the slot, also after the expiry job returned it to the pool', async () => {
      const project = await buildOpenProject();
      await buildDocuments(t, project.id, docs(2, 'ex'));
      await buildBatch(t, project.id, { redundancy: 1 });
      const [a, b] = [await buildTokenClient(t), await buildTokenClient(t)];
      const [first, second] = await lease(a, project.id, 2);
      await t.ctx.store.db.execute(
        sql`update slots set lease_expires_at = now() - interval '1 second' where id in (${first.slotId}, ${second.slotId})`,
      );
      // Not yet returned by the expiry job: the slot is still the caller's and is re-claimed.
      await submit(a, project.id, first.slotId).expect(201);
      expect(await expireLeases(t.ctx.store.db)).toBe(1);
      await submit(a, project.id, second.slotId).expect(201);
      expect(await slotRow(second.slotId)).toMatchObject({ status: 'done', leased_by: a.user.id });
      expect(await lease(b, project.id)).toEqual([]);
    });

    it('can still be renewed or skipped after the expiry job returned it, while nobody else took it', async () => {
      const project = await buildOpenProject();
      await buildDocuments(t, project.id, docs(2, 'rs'));
      await buildBatch(t, project.id, { redundancy: 1 });
      const [a, b] = [await buildTokenClient(t), await buildTokenClient(t)];
      const [kept, skipped] = await lease(a, project.id, 2);
      await t.ctx.store.db.execute(
        sql`update slots set lease_expires_at = now() - interval '1 second' where id in (${kept.slotId}, ${skipped.slotId})`,
      );
      expect(await expireLeases(t.ctx.store.db)).toBe(2);
      await a.post(`/api/tasks/${kept.slotId}/renew`).expect(200);
      expect(await slotRow(kept.slotId)).toMatchObject({ status: 'leased', leased_by: a.user.id });
      await a.post(`/api/tasks/${skipped.slotId}/skip`, { reason: 'unsure' }).expect(200);
      expect((await lease(b, project.id)).map((x) => x.slotId)).toEqual([skipped.slotId]);
    });

    it('is refused with lease_expired once another annotator holds the slot, even with another slot of the item free', async () => {
      const project = await buildOpenProject();
      await buildDocuments(t, project.id, docs(1, 'tk'));
      await buildBatch(t, project.id, { redundancy: 2 });
      const [a, b] = [await buildTokenClient(t), await buildTokenClient(t)];
      const [task] = await lease(a, project.id);
      await t.ctx.store.db.execute(sql`update slots set lease_expires_at = now() - interval '1 second' where id = ${task.slotId}`);
      await t.ctx.store.db.execute(
        sql`update slots set lease_expires_at = now() + interval '1 hour' where item_id = ${task.itemId} and id <> ${task.slotId}`,
      );
      const [taken] = await lease(b, project.id);
      expect(taken.slotId).toBe(task.slotId);
      const late = await submit(a, project.id, task.slotId);
      expect(late.status).toBe(409);
      expect(late.body.error.id).toBe('lease_expired');
      expect(await judgmentCount(project.id)).toBe(0);
      await submit(b, project.id, taken.slotId).expect(201);
    });
  });
});

describe('skip and flag ids (issue 12, finding 9)', () => {
  it("refuses a skip or flag with another annotator's client id and touches neither record", async () => {
    const project = await buildOpenProject();
    await buildDocuments(t, project.id, docs(2, 'sk'));
    await buildBatch(t, project.id, { redundancy: 2 });
    const [a, b] = [await buildTokenClient(t), await buildTokenClient(t)];
    const [taskOfA] = await lease(a, project.id);
    const clientId = randomUUID();
    await a.post(`/api/tasks/${taskOfA.slotId}/skip`, { clientId, reason: 'unsure' }).expect(200);
    const [taskOfB] = await lease(b, project.id);
    for (const body of [
      { clientId, reason: 'copied id' },
      { clientId, flag: { reason: 'pii', note: 'copied id' } },
    ]) {
      const res = await b.post(`/api/tasks/${taskOfB.slotId}/skip`, body);
      expect(res.status).toBe(409);
    }
    const rows = await rowsOf<{ user_id: number; skip_reason: string; item_id: number }>(
      t.ctx.store.db,
      sql`select user_id::int as user_id, skip_reason, item_id::int as item_id from judgments where client_id = ${clientId}`,
    );
    expect(rows).toEqual([{ user_id: a.user.id, skip_reason: 'unsure', item_id: taskOfA.itemId }]);
    expect(await slotRow(taskOfB.slotId)).toMatchObject({ status: 'leased', leased_by: b.user.id });
    const flags = await rowsOf<{ n: number }>(
      t.ctx.store.db,
      sql`select count(*)::int as n from flags f join items i on i.id = f.item_id where i.project_id = ${project.id}`,
    );
    expect(flags[0].n).toBe(0);
    // A's own retry of the same skip is still answered as a replay.
    await a.post(`/api/tasks/${taskOfA.slotId}/skip`, { clientId, reason: 'unsure' }).expect(200);
  });
});

describe('pairwise display order (issue 12, finding 9)', () => {
  it('refuses a content choice that contradicts the order the server served and records the served order', async () => {
    const project = await buildOpenProject({ taskType: 'pairwise-preference' });
    await buildDocuments(
      t,
      project.id,
      [0, 1].map((i) => ({
        id: `pw${i}`,
        text: `prompt ${i} ${randomUUID()}`,
        prompt: `prompt ${i}`,
        response_a: `first ${i}`,
        response_b: `second ${i}`,
      })),
    );
    const batch = await buildBatch(t, project.id, { redundancy: 1 });
    await t.ctx.store.db.execute(sql`update slots set swapped = true where batch_id = ${batch.batch.id}`);
    const a = await buildTokenClient(t);
    const [task] = await lease(a, project.id);
    expect(task.swapped).toBe(true);
    // Swapped: B is on the left, so "left" means B.
    const claimed = await submit(a, project.id, task.slotId, { screenChoice: 'left', choice: 'A' });
    expect(claimed.status).toBe(409);
    expect(claimed.body.error.id).toBe('display_order_mismatch');
    expect(await judgmentCount(project.id)).toBe(0);
    const ok = await submit(a, project.id, task.slotId, { screenChoice: 'left', choice: 'B' }).expect(201);
    const [row] = await rowsOf<{ swapped: boolean; value: unknown }>(
      t.ctx.store.db,
      sql`select swapped, value from judgments where id = ${ok.body.judgment.id}`,
    );
    expect(row).toEqual({ swapped: true, value: { screenChoice: 'left', choice: 'B' } });
  });
});

describe('a document the task type cannot show (issue 12, finding 4)', () => {
  /** Stores a document as a lenient import once did, bypassing today's import checks. */
  async function insertDocumentDirectly(projectId: number, externalId: string, text: string, meta: Record<string, unknown>) {
    await t.ctx.store.db.execute(sql`insert into documents (project_id, external_id, content_hash, text, meta, token_estimate)
                                     values (${projectId}, ${externalId}, ${randomUUID()}, ${text}, ${JSON.stringify(meta)}::jsonb, 5)`);
  }

  const brokenState = async (projectId: number) => {
    const items = await rowsOf<{ id: number; status: string }>(
      t.ctx.store.db,
      sql`select i.id, i.status from items i join documents d on d.id = i.document_id where i.project_id = ${projectId} and d.external_id = 'bad'`,
    );
    const flags = await rowsOf<{ reason: string; note: string; user_id: number | null }>(
      t.ctx.store.db,
      sql`select reason, note, user_id::int as user_id from flags where item_id = ${items[0].id}`,
    );
    const slots = await rowsOf<{ status: string; leased_by: number | null }>(
      t.ctx.store.db,
      sql`select status, leased_by::int as leased_by from slots where item_id = ${items[0].id}`,
    );
    return { status: items[0].status, flags, slots };
  };

  it('withdraws the item for staff, releases its lease and serves the next task (pairwise without response_b)', async () => {
    const project = await buildOpenProject({ taskType: 'pairwise-preference' });
    await buildDocuments(
      t,
      project.id,
      [0, 1].map((i) => ({
        id: `ok${i}`,
        text: `prompt ${i} ${randomUUID()}`,
        prompt: `prompt ${i}`,
        response_a: `first ${i}`,
        response_b: `second ${i}`,
      })),
    );
    await insertDocumentDirectly(project.id, 'bad', 'a prompt', { prompt: 'a prompt', response_a: 'only one response' });
    await buildBatch(t, project.id, { redundancy: 2 });
    const [a, b] = [await buildTokenClient(t), await buildTokenClient(t)];
    const tasks = await lease(a, project.id, 3);
    expect(tasks).toHaveLength(2);
    expect(tasks.every((task) => (task.payload as { responseB: string }).responseB.startsWith('second'))).toBe(true);
    const state = await brokenState(project.id);
    expect(state.status).toBe('broken');
    expect(state.flags).toEqual([{ reason: 'broken', note: expect.stringContaining('response_b'), user_id: null }]);
    expect(state.slots.every((s) => s.status === 'open' && s.leased_by === null)).toBe(true);
    // Nobody is served it again, and the lease calls keep answering.
    expect(await lease(a, project.id, 3)).toHaveLength(2);
    expect(await lease(b, project.id, 3)).toHaveLength(2);
    expect((await brokenState(project.id)).flags).toHaveLength(1);
    // Staff see it in the review queue with the reason, without a payload to label.
    const reviewer = await buildTokenClient(t, 'reviewer');
    await t.ctx.store.db.execute(
      sql`insert into project_members (project_id, user_id, role) values (${project.id}, ${reviewer.user.id}, 'reviewer')`,
    );
    const queue = await reviewer.get(`/api/projects/${project.id}/review`).expect(200);
    expect(queue.body.items).toEqual([expect.objectContaining({ payload: null, flags: [expect.objectContaining({ reason: 'broken' })] })]);
  });

  it('releases a lease already held on such a document (synthetic review without a prompt)', async () => {
    const project = await buildOpenProject({ taskType: 'synthetic-review' });
    await buildDocuments(t, project.id, [{ id: 'ok0', text: `a response ${randomUUID()}`, prompt: 'a prompt' }]);
    await insertDocumentDirectly(project.id, 'bad', 'a response with no prompt', {});
    await buildBatch(t, project.id, { redundancy: 1 });
    const a = await buildTokenClient(t);
    // Leased before the lease call learnt to check: every call renewed it and answered 500.
    await t.ctx.store.db.execute(sql`update slots set status = 'leased', leased_by = ${a.user.id}, lease_expires_at = now() + interval '10 minutes'
                                     where item_id = (select i.id from items i join documents d on d.id = i.document_id where i.project_id = ${project.id} and d.external_id = 'bad')`);
    const tasks = await lease(a, project.id, 1);
    expect(tasks).toHaveLength(1);
    expect((tasks[0].payload as { prompt: string }).prompt).toBe('a prompt');
    const state = await brokenState(project.id);
    expect(state.status).toBe('broken');
    expect(state.flags).toEqual([expect.objectContaining({ reason: 'broken', note: expect.stringContaining('prompt') })]);
    expect(state.slots).toEqual([{ status: 'open', leased_by: null }]);
  });
});

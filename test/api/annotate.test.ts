import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { buildBatch, buildDocuments, buildTokenClient, joinProject } from '../support/factories.ts';
import { rowsOf } from '../../server/db/store.ts';
import { expireLeases } from '../../server/db/queries/leases.ts';
import type { DomainEvent } from '../../server/events.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

/** A valid quality-rating judgment. */
const rating = (score: number) => ({ score });
const docs = (n: number, prefix = 'd') =>
  Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, text: `${prefix} document ${i} ${randomUUID()}`, source: i % 2 ? 'forum' : 'wiki' }));

type Client = Awaited<ReturnType<typeof buildTokenClient>>;
type Task = { slotId: number; itemId: number; swapped: boolean; payload: unknown };

async function lease(client: Client, projectId: number, count = 1): Promise<Task[]> {
  const res = await client.post(`/api/projects/${projectId}/tasks/lease`, { count }).expect(200);
  return res.body.tasks;
}

function submit(client: Client, projectId: number, task: Task, value: unknown = rating(3), clientId = randomUUID()) {
  return client.post(`/api/projects/${projectId}/judgments`, { clientId, slotId: task.slotId, value, timeSpentMs: 1200 });
}

describe('concurrent leasing', () => {
  it('10 annotators × 50 parallel lease requests on 20 items with k=3: each item gets exactly 3 distinct annotators', async () => {
    const project = await t.buildProject();
    await buildDocuments(t, project.id, docs(20, 'c'));
    await buildBatch(t, project.id, { size: 20, redundancy: 3 });
    const annotators = await Promise.all(Array.from({ length: 10 }, () => buildTokenClient(t)));

    // Each request asks to hold up to 10 tasks (the client's prefetch), so parallel requests compete for slots.
    const leased = await Promise.all(
      annotators.flatMap((a) => Array.from({ length: 50 }, async () => ({ a, tasks: await lease(a, project.id, 10) }))),
    );
    const byAnnotator = new Map<number, Set<number>>();
    const perItem = new Map<number, Set<number>>();
    for (const { a, tasks } of leased) {
      for (const task of tasks) {
        const mine = byAnnotator.get(a.user.id) ?? new Set();
        byAnnotator.set(a.user.id, mine);
        mine.add(task.slotId);
        const holders = perItem.get(task.itemId) ?? new Set();
        perItem.set(task.itemId, holders);
        holders.add(a.user.id);
      }
    }
    // A repeated lease request returns the annotator's held lease again: count distinct slots.
    const distinctSlots = new Set([...byAnnotator.values()].flatMap((s) => [...s]));
    expect(distinctSlots.size).toBe(60);
    expect(perItem.size).toBe(20);
    for (const holders of perItem.values()) expect(holders.size).toBe(3);

    // Every annotator submits what they hold; then nothing is left to lease.
    const submissions = await Promise.all(
      leased
        .flatMap(({ a, tasks }) => tasks.map((task) => ({ a, task })))
        .filter(({ a, task }, i, all) => all.findIndex((x) => x.a === a && x.task.slotId === task.slotId) === i)
        .map(({ a, task }) => submit(a, project.id, task)),
    );
    expect(submissions.every((r) => r.status === 201)).toBe(true);
    const rows = await rowsOf<{ item_id: number; n: number; workers: number }>(
      t.ctx.store.db,
      sql`select item_id, count(*)::int as n, count(distinct worker_key)::int as workers from judgments
          where project_id = ${project.id} and kind = 'label' and status = 'final' group by item_id`,
    );
    expect(rows).toHaveLength(20);
    for (const row of rows) expect(row).toMatchObject({ n: 3, workers: 3 });
    // Judgments of one item committed at the same moment must still leave it complete, or it never reaches review.
    const open = await rowsOf<{ id: number }>(t.ctx.store.db, sql`select id from items where project_id = ${project.id} and status <> 'complete'`);
    expect(open).toEqual([]);
    for (const a of annotators) expect(await lease(a, project.id, 3)).toEqual([]);
  });
});

describe('completing items', () => {
  // Needs a second connection to hold the lock, which the embedded single-connection store does not have.
  it.skipIf(!process.env.DATABASE_URL)('of simultaneous submits of one item, the last marks it complete', async () => {
    const project = await t.buildProject();
    await buildDocuments(t, project.id, docs(1, 'r'));
    await buildBatch(t, project.id, { size: 1, redundancy: 3 });
    const annotators = await Promise.all([0, 1, 2].map(() => buildTokenClient(t)));
    const tasks = await Promise.all(annotators.map(async (a) => (await lease(a, project.id))[0]));
    const pool = t.ctx.store.pool!;
    const blocker = await pool.connect();
    let submitted;
    try {
      // Holding the item makes the three submits queue up on it and then run one right after another.
      await blocker.query('begin');
      await blocker.query('select id from items where id = $1 for update', [tasks[0].itemId]);
      submitted = Promise.all(annotators.map((a, i) => submit(a, project.id, tasks[i])));
      const waiting = async () =>
        (await pool.query(`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)).rows[0]
          .n;
      await expect.poll(waiting, { timeout: 10_000 }).toBe(3);
      await blocker.query('commit');
    } finally {
      blocker.release();
    }
    expect((await submitted).map((r) => r.status)).toEqual([201, 201, 201]);
    const [item] = await rowsOf<{ status: string }>(t.ctx.store.db, sql`select status from items where id = ${tasks[0].itemId}`);
    expect(item.status).toBe('complete');
  });
});

describe('leases', () => {
  it('never serves an item twice to one annotator and holds prefetched leases across reloads', async () => {
    const project = await t.buildProject();
    await buildDocuments(t, project.id, docs(4, 'p'));
    await buildBatch(t, project.id, { redundancy: 2 });
    const a = await buildTokenClient(t);
    const first = await lease(a, project.id, 3);
    expect(first).toHaveLength(3);
    expect(new Set(first.map((x) => x.itemId)).size).toBe(3);
    // A reload asks again: the same three tasks come back, not new ones.
    const again = await lease(a, project.id, 3);
    expect(again.map((x) => x.slotId).sort()).toEqual(first.map((x) => x.slotId).sort());
    const more = await lease(a, project.id, 10);
    expect(more).toHaveLength(4);
    expect(new Set(more.map((x) => x.itemId)).size).toBe(4);
  });

  it('returns an expired lease to the pool', async () => {
    const project = await t.buildProject();
    await buildDocuments(t, project.id, docs(1, 'e'));
    await buildBatch(t, project.id, { redundancy: 1 });
    const a = await buildTokenClient(t);
    const b = await buildTokenClient(t);
    const [task] = await lease(a, project.id);
    expect(await lease(b, project.id)).toEqual([]);
    await t.ctx.store.db.execute(sql`update slots set lease_expires_at = now() - interval '1 second' where id = ${task.slotId}`);
    const [taken] = await lease(b, project.id);
    expect(taken.slotId).toBe(task.slotId);
    // A's late submission finds its slot taken and no other free slot: refused, not double-counted.
    const late = await submit(a, project.id, task);
    expect(late.status).toBe(409);
    await submit(b, project.id, taken).expect(201);
  });

  it('keeps late work when another slot of the item is still free', async () => {
    const project = await t.buildProject();
    await buildDocuments(t, project.id, docs(1, 'l'));
    await buildBatch(t, project.id, { redundancy: 2 });
    const a = await buildTokenClient(t);
    const [task] = await lease(a, project.id);
    await t.ctx.store.db.execute(sql`update slots set lease_expires_at = now() - interval '1 second' where id = ${task.slotId}`);
    expect(await expireLeases(t.ctx.store.db)).toBe(1);
    await submit(a, project.id, task).expect(201);
  });

  it('renews a lease while the task is open, and refuses renewing a lease one does not hold', async () => {
    const project = await t.buildProject();
    await buildDocuments(t, project.id, docs(1, 'r'));
    await buildBatch(t, project.id, { redundancy: 1 });
    const a = await buildTokenClient(t);
    const b = await buildTokenClient(t);
    const [task] = await lease(a, project.id);
    const renewed = await a.post(`/api/tasks/${task.slotId}/renew`).expect(200);
    expect(new Date(renewed.body.leaseExpiresAt).getTime()).toBeGreaterThan(Date.now() + 9 * 60 * 1000);
    await b.post(`/api/tasks/${task.slotId}/renew`).expect(409);
  });

  it('serves nothing from draft or closed batches, and higher priority first', async () => {
    const project = await t.buildProject();
    await buildDocuments(t, project.id, docs(4, 'q'));
    const low = await buildBatch(t, project.id, { size: 2, redundancy: 1, priority: 0 });
    const draft = await buildBatch(t, project.id, { size: 1, redundancy: 1 }, false);
    const high = await buildBatch(t, project.id, { size: 1, redundancy: 1, priority: 5 });
    const a = await buildTokenClient(t);
    const tasks = await lease(a, project.id, 10);
    expect(tasks).toHaveLength(3);
    const batchOf = async (itemId: number) =>
      (await rowsOf<{ batch_id: number }>(t.ctx.store.db, sql`select batch_id from items where id = ${itemId}`))[0].batch_id;
    expect(Number(await batchOf(tasks[0].itemId))).toBe(high.batch.id);
    for (const task of tasks) expect(Number(await batchOf(task.itemId))).not.toBe(draft.batch.id);
    expect(low.items).toBe(2);
  });
});

describe('submitting', () => {
  it('is idempotent by client id under retries', async () => {
    const project = await t.buildProject();
    await buildDocuments(t, project.id, docs(2, 'i'));
    await buildBatch(t, project.id, { redundancy: 1 });
    const a = await buildTokenClient(t);
    const [task] = await lease(a, project.id);
    const clientId = randomUUID();
    const results = await Promise.all(Array.from({ length: 8 }, () => submit(a, project.id, task, rating(4), clientId)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 200).every((r) => r.body.replayed)).toBe(true);
    expect(new Set(results.map((r) => r.body.judgment.id)).size).toBe(1);
    const rows = await rowsOf<{ n: number }>(t.ctx.store.db, sql`select count(*)::int as n from judgments where client_id = ${clientId}`);
    expect(rows[0].n).toBe(1);
  });

  it('announces the judgment again on a replay, whose first attempt may have committed and lost its answer', async () => {
    // A connection that dies during COMMIT answers 503 although the row is in; the client's retry is a replay. Were
    // the replay silent, the batch's progress and re-aggregation would never hear of that judgment.
    const project = await t.buildProject();
    await buildDocuments(t, project.id, docs(1, 'r'));
    await buildBatch(t, project.id, { redundancy: 1 });
    const a = await buildTokenClient(t);
    const [task] = await lease(a, project.id);
    const clientId = randomUUID();
    await submit(a, project.id, task, rating(2), clientId).expect(201);
    const heard: DomainEvent[] = [];
    const unsubscribe = t.ctx.events.subscribe((event) => heard.push(event));
    try {
      expect((await submit(a, project.id, task, rating(2), clientId).expect(200)).body.replayed).toBe(true);
    } finally {
      unsubscribe();
    }
    expect(heard.filter((e) => e.name === 'judgments:changed').map((e) => e.payload)).toEqual([
      { projectId: project.id, batchId: expect.any(Number), itemId: task.itemId },
    ]);
  });

  it('validates the value against the task type and records time spent', async () => {
    const project = await t.buildProject();
    await buildDocuments(t, project.id, docs(1, 'v'));
    await buildBatch(t, project.id, { redundancy: 1 });
    const a = await buildTokenClient(t);
    const [task] = await lease(a, project.id);
    const bad = await submit(a, project.id, task, { score: 99 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^value/);
    const good = await submit(a, project.id, task).expect(201);
    const rows = await rowsOf<{ time_spent_ms: number }>(
      t.ctx.store.db,
      sql`select time_spent_ms from judgments where id = ${good.body.judgment.id}`,
    );
    expect(rows[0].time_spent_ms).toBe(1200);
  });

  it('refuses a slot of another project and an unknown slot', async () => {
    const project = await t.buildProject();
    const other = await t.buildProject();
    await buildDocuments(t, project.id, docs(1, 'x'));
    await buildBatch(t, project.id, { redundancy: 1 });
    const a = await buildTokenClient(t);
    const [task] = await lease(a, project.id);
    expect((await submit(a, other.id, task)).status).toBe(404);
    expect((await submit(a, project.id, { ...task, slotId: 99999999 })).status).toBe(404);
  });

  it('undoes the last submission and hands the task back', async () => {
    const project = await t.buildProject();
    await buildDocuments(t, project.id, docs(2, 'u'));
    await buildBatch(t, project.id, { redundancy: 1 });
    const a = await buildTokenClient(t);
    const [task] = await lease(a, project.id);
    await submit(a, project.id, task, rating(2)).expect(201);
    const undone = await a.post(`/api/projects/${project.id}/judgments/undo`).expect(200);
    expect(undone.body.task.slotId).toBe(task.slotId);
    expect(undone.body.previousValue).toEqual(rating(2));
    await submit(a, project.id, undone.body.task, rating(5)).expect(201);
    const rows = await rowsOf<{ status: string }>(t.ctx.store.db, sql`select status from judgments where item_id = ${task.itemId} order by id`);
    expect(rows.map((r) => r.status)).toEqual(['undone', 'final']);
  });

  it('refuses undo once the item is under review', async () => {
    const project = await t.buildProject();
    await buildDocuments(t, project.id, docs(1, 'w'));
    await buildBatch(t, project.id, { redundancy: 1 });
    const a = await buildTokenClient(t);
    const [task] = await lease(a, project.id);
    await submit(a, project.id, task).expect(201);
    await t.ctx.store.db.execute(sql`update items set status = 'review' where id = ${task.itemId}`);
    await a.post(`/api/projects/${project.id}/judgments/undo`).expect(409);
  });
});

describe('skip, flag and review', () => {
  it('a skip frees the slot for others and never serves the item to the skipper again', async () => {
    const project = await t.buildProject();
    await buildDocuments(t, project.id, docs(1, 's'));
    await buildBatch(t, project.id, { redundancy: 1 });
    const a = await buildTokenClient(t);
    const b = await buildTokenClient(t);
    const [task] = await lease(a, project.id);
    await a.post(`/api/tasks/${task.slotId}/skip`, { reason: 'not my language' }).expect(200);
    expect(await lease(a, project.id)).toEqual([]);
    expect((await lease(b, project.id))[0].slotId).toBe(task.slotId);
  });

  it('a flag sends the item to reviewers, who see all judgments and adjudicate, optionally into gold', async () => {
    const project = await t.buildProject();
    await buildDocuments(t, project.id, docs(1, 'f'));
    await buildBatch(t, project.id, { redundancy: 3 });
    const [a, b, c] = await Promise.all([buildTokenClient(t), buildTokenClient(t), buildTokenClient(t)]);
    const reviewer = await buildTokenClient(t, 'reviewer');
    await joinProject(t, project.id, reviewer.user, 'reviewer');
    await submit(a, project.id, (await lease(a, project.id))[0], rating(1)).expect(201);
    await submit(b, project.id, (await lease(b, project.id))[0], rating(4)).expect(201);
    const [task] = await lease(c, project.id);
    await c.post(`/api/tasks/${task.slotId}/skip`, { flag: { reason: 'pii', note: 'phone number' } }).expect(200);
    await c.get(`/api/projects/${project.id}/review`).expect(403);
    const queue = await reviewer.get(`/api/projects/${project.id}/review`).expect(200);
    expect(queue.body.items).toHaveLength(1);
    const entry = queue.body.items[0];
    expect(entry.flags).toEqual([expect.objectContaining({ reason: 'pii', note: 'phone number' })]);
    expect(entry.judgments.filter((j: { kind: string }) => j.kind === 'label').map((j: { value: unknown }) => j.value)).toEqual([
      rating(1),
      rating(4),
    ]);
    await reviewer.post(`/api/items/${entry.itemId}/adjudicate`, { answer: { score: 9 } }).expect(400);
    await reviewer.post(`/api/items/${entry.itemId}/adjudicate`, { answer: rating(2), promoteToGold: true }).expect(200);
    expect((await reviewer.get(`/api/projects/${project.id}/review`).expect(200)).body.items).toHaveLength(0);
    const gold = await rowsOf<{ source: string; answer: unknown }>(
      t.ctx.store.db,
      sql`select source, answer from gold_answers where project_id = ${project.id}`,
    );
    expect(gold).toEqual([{ source: 'reviewer', answer: rating(2) }]);
  });
});

describe('batch generation', () => {
  it('is seeded and reproducible, stratifies by source with target proportions, and mixes in gold', async () => {
    const project = await t.buildProject();
    const records = Array.from({ length: 60 }, (_, i) => ({
      id: `g${i}`,
      text: `gen doc ${i} ${randomUUID()}`,
      source: ['wiki', 'forum', 'code'][i % 3],
    }));
    await buildDocuments(t, project.id, records);
    const admin = await buildTokenClient(t, 'admin');
    await admin
      .put(`/api/projects/${project.id}/gold`, {
        answers: [
          { externalId: 'g0', answer: rating(5) },
          { externalId: 'g1', answer: rating(0) },
          { externalId: 'g2', answer: rating(3) },
        ],
      })
      .expect(200);
    const plan = {
      name: 'strat',
      size: 12,
      redundancy: 2,
      goldRate: 0.2,
      seed: 42,
      excludeUsed: false,
      sampling: { strategy: 'stratified', field: 'source', proportions: { wiki: 0.5, forum: 0.25, code: 0.25 } },
    };
    const first = await admin.post(`/api/projects/${project.id}/batches`, plan).expect(201);
    expect(first.body.byStratum).toEqual({ wiki: 6, forum: 3, code: 3 });
    expect(first.body).toMatchObject({ items: 12, goldItems: 3, slots: 30 });
    const second = await admin.post(`/api/projects/${project.id}/batches`, plan).expect(201);
    const docsOf = async (batchId: number) =>
      (
        await rowsOf<{ document_id: number }>(t.ctx.store.db, sql`select document_id from items where batch_id = ${batchId} order by document_id`)
      ).map((r) => Number(r.document_id));
    expect(await docsOf(second.body.batch.id)).toEqual(await docsOf(first.body.batch.id));
    const goldDocs = await rowsOf<{ n: number }>(
      t.ctx.store.db,
      sql`select count(*)::int as n from items where batch_id = ${first.body.batch.id} and is_gold`,
    );
    expect(goldDocs[0].n).toBe(3);
  });

  it('warns when there are not enough documents or gold answers, and refuses an empty sample', async () => {
    const project = await t.buildProject();
    await buildDocuments(t, project.id, docs(3, 'n'));
    const admin = await buildTokenClient(t, 'admin');
    const res = await admin.post(`/api/projects/${project.id}/batches`, { name: 'x', size: 10, goldRate: 0.5 }).expect(201);
    expect(res.body.warnings).toEqual([expect.stringMatching(/Only 3 of 10/), expect.stringMatching(/gold/)]);
    const empty = await admin.post(`/api/projects/${project.id}/batches`, { name: 'y', size: 10 }).expect(400);
    expect(empty.body.error.message).toMatch(/No documents left/);
    await admin.post(`/api/projects/${project.id}/batches`, { name: 'z', size: 0 }).expect(400);
  });

  it('samples by length bucket', async () => {
    const project = await t.buildProject();
    const records = [
      ...Array.from({ length: 10 }, (_, i) => ({ id: `s${i}`, text: `short ${i} ${randomUUID()}` })),
      ...Array.from({ length: 10 }, (_, i) => ({ id: `L${i}`, text: `long ${i} `.repeat(200) + randomUUID() })),
    ];
    await buildDocuments(t, project.id, records);
    const admin = await buildTokenClient(t, 'admin');
    const res = await admin.post(`/api/projects/${project.id}/batches`, { name: 'len', size: 6, sampling: { strategy: 'length' } }).expect(201);
    expect(res.body.byStratum).toEqual({ '<256': 3, '256-1k': 3 });
  });
});

describe('gold feedback in training mode', () => {
  it('answers a gold item with feedback, an ordinary item with none, and never marks gold in a task', async () => {
    const project = await t.buildProject();
    await buildDocuments(t, project.id, [
      { id: 'doc-a', text: `first text ${randomUUID()}` },
      { id: 'doc-b', text: `second text ${randomUUID()}` },
    ]);
    const admin = await buildTokenClient(t, 'admin');
    await admin.put(`/api/projects/${project.id}/gold`, { answers: [{ externalId: 'doc-a', answer: rating(4) }] }).expect(200);
    const unknown = await admin.put(`/api/projects/${project.id}/gold`, { answers: [{ externalId: 'missing', answer: rating(4) }] }).expect(400);
    expect(unknown.body.error.message).toMatch(/no document with external id "missing"/);
    await t.ctx.store.db.execute(sql`update projects set training_mode = true where id = ${project.id}`);
    const batch = await buildBatch(t, project.id, { size: 1, redundancy: 1, goldRate: 0.5 });
    expect(batch).toMatchObject({ items: 1, goldItems: 1 });
    const a = await buildTokenClient(t);
    const tasks = await lease(a, project.id, 5);
    expect(tasks).toHaveLength(2);
    for (const task of tasks) expect(JSON.stringify(task)).not.toMatch(/gold/i);
    const goldItem = await rowsOf<{ id: number }>(t.ctx.store.db, sql`select id from items where batch_id = ${batch.batch.id} and is_gold`);
    const goldTask = tasks.find((x) => x.itemId === Number(goldItem[0].id))!;
    const plainTask = tasks.find((x) => x !== goldTask)!;
    const graded = await submit(a, project.id, goldTask, rating(2)).expect(201);
    expect(graded.body.feedback).toMatchObject({ correct: false, expected: rating(4) });
    const plain = await submit(a, project.id, plainTask, rating(2)).expect(201);
    expect(plain.body.feedback).toBeNull();
  });
});

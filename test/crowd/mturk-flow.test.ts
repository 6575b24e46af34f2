import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { startMturkEmulator, type MturkEmulator } from '../support/mturk-emulator/index.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { buildBatch, buildDocuments, buildTokenClient } from '../support/factories.ts';
import { rowsOf } from '../../server/db/store.ts';
import { crowdChannelOf } from '../../server/crowd/channel-of.ts';
import { publishCrowdBatch } from '../../server/commands/publish-crowd.ts';
import { mturkPublishOptionsSchema as publishOptionsSchema } from '../../server/crowd/mturk/publish-options.ts';
import { syncCrowdProject } from '../../server/commands/sync-crowd.ts';
import type { CrowdChannel } from '../../server/crowd/channel.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

let emulator: MturkEmulator;
let t: TestApp;
let admin: Awaited<ReturnType<typeof buildTokenClient>>;

beforeAll(async () => {
  emulator = await startMturkEmulator({ balance: '50.00' });
  t = await startTestApp({ MTURK_ENDPOINT: emulator.url, PUBLIC_URL: 'http://127.0.0.1:9' });
  admin = await buildTokenClient(t, 'admin');
});
afterAll(async () => {
  await t.close();
  await emulator.close();
});

const publishBody = { itemsPerHit: 2, reward: '0.10', title: 'Rate web text', description: 'Rate each document', budget: '5.00' };

/** A crowd project: 4 ordinary documents and 2 gold ones (answers 5 and 0), k = 2, about a third gold. */
async function crowdProject(settings: Record<string, unknown> = {}) {
  const project = await t.buildProject();
  await buildDocuments(
    t,
    project.id,
    Array.from({ length: 6 }, (_, i) => ({ id: `d${i}`, text: `crowd document ${i} ${randomUUID()}` })),
  );
  await admin
    .put(`/api/projects/${project.id}/gold`, {
      answers: [
        { externalId: 'd4', answer: { score: 5 } },
        { externalId: 'd5', answer: { score: 0 } },
      ],
    })
    .expect(200);
  if (Object.keys(settings).length) {
    const res = await fetch(`${t.url}/api/projects/${project.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: admin.authorization },
      body: JSON.stringify({ settings: { crowd: settings } }),
    });
    expect(res.status).toBe(200);
  }
  const { batch } = await buildBatch(t, project.id, { redundancy: 2, goldRate: 0.34, channel: 'crowd' }, false);
  return { project, batchId: batch.id };
}

/** What a worker's browser does: accept on MTurk, load our task page data, send answers to us, submit to MTurk. */
async function workOnHit(hitId: string, workerId: string, answer: (doc: { externalId: string }) => number) {
  const accept = await fetch(`${emulator.url}/_worker/accept`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ hitId, workerId }),
  });
  const { assignmentId, url } = (await accept.json()) as { assignmentId: string; url: string };
  const params = new URL(url).searchParams;
  expect(params.get('turkSubmitTo')).toBe(emulator.url);
  const page = await fetch(`${t.url}/api/mturk/hit?hitId=${hitId}&assignmentId=${assignmentId}`);
  const { tasks } = (await page.json()) as { tasks: { itemId: number; document: { externalId: string } }[] };
  const submitted = await fetch(`${t.url}/api/mturk/submissions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      hitId,
      assignmentId,
      workerId,
      judgments: tasks.map((task) => ({ itemId: task.itemId, value: { score: answer(task.document) }, timeSpentMs: 5000 })),
    }),
  });
  expect(submitted.status).toBe(201);
  const { token } = (await submitted.json()) as { token: string };
  const form = new URLSearchParams({ assignmentId, curateToken: token });
  const done = await fetch(`${emulator.url}/mturk/externalSubmit`, { method: 'POST', body: form });
  expect(done.status).toBe(200);
  return { assignmentId, token };
}

const rightAnswers = (doc: { externalId: string }) => (doc.externalId === 'd5' ? 0 : 5);
const wrongAnswers = (doc: { externalId: string }) => (doc.externalId === 'd5' ? 5 : 0);

async function publishedHits(projectId: number) {
  const res = await admin.get(`/api/projects/${projectId}/crowd/status`).expect(200);
  return res.body.hits as { id: number; externalId: string; itemIds: number[] }[];
}

/** A published HIT of the batch that holds a gold item, so the review policy has evidence. */
async function goldHitOf(projectId: number, batchId: number) {
  const goldItems = await rowsOf<{ id: number }>(t.ctx.store.db, sql`select id from items where batch_id = ${batchId} and is_gold`);
  return (await publishedHits(projectId)).find((h) => h.itemIds.some((id) => goldItems.some((g) => Number(g.id) === Number(id))))!;
}

describe('publishing', () => {
  it('estimates cost with fees, publishes idempotently, and refuses over budget', async () => {
    const { batchId } = await crowdProject();
    const estimate = await admin.post(`/api/batches/${batchId}/crowd/estimate`, { itemsPerHit: 2, reward: '0.10' }).expect(200);
    // 6 items (4 + 2 gold) in 3 HITs × 2 assignments at $0.10 + 20% ($0.02): $0.72.
    expect(estimate.body).toMatchObject({ hitCount: 3, assignmentCount: 6, rewardTotal: '0.60', fees: '0.12', grandTotal: '0.72' });
    await admin.post(`/api/batches/${batchId}/crowd/publish`, { ...publishBody, budget: '0.50' }).expect(409);
    expect(emulator.state.hits.size).toBe(0);
    const first = await admin.post(`/api/batches/${batchId}/crowd/publish`, publishBody).expect(200);
    expect(first.body).toMatchObject({ published: 3, alreadyPublished: 0 });
    const again = await admin.post(`/api/batches/${batchId}/crowd/publish`, publishBody).expect(200);
    expect(again.body).toMatchObject({ published: 0, alreadyPublished: 3 });
    expect(emulator.state.hits.size).toBe(3);
    const hit = [...emulator.state.hits.values()][0];
    expect(hit.externalUrl).toBe('http://127.0.0.1:9/mturk');
    expect(hit.maxAssignments).toBe(2);
  });

  it('recovers from a crash after the channel created a HIT but before we recorded it: no duplicate HITs', async () => {
    const { batchId } = await crowdProject();
    const real = crowdChannelOf(t.ctx);
    let calls = 0;
    const crashing: CrowdChannel = Object.assign(Object.create(real), {
      publish: async (request: Parameters<CrowdChannel['publish']>[0]) => {
        const id = await real.publish(request);
        if (++calls === 2) throw new Error('process killed');
        return id;
      },
    });
    const before = emulator.state.hits.size;
    const options = publishOptionsSchema.parse(publishBody);
    await expect(publishCrowdBatch(t.ctx, crashing, { actorId: t.admin.id, batchId, options })).rejects.toThrow('process killed');
    const rerun = await publishCrowdBatch(t.ctx, real, { actorId: t.admin.id, batchId, options });
    expect(rerun).toMatchObject({ published: 2, alreadyPublished: 1 });
    expect(emulator.state.hits.size - before).toBe(3);
  });

  it('refuses to publish an in-house batch', async () => {
    const project = await t.buildProject();
    await buildDocuments(t, project.id, [{ id: 'x', text: `inhouse ${randomUUID()}` }]);
    const { batch } = await buildBatch(t, project.id, {}, false);
    const res = await admin.post(`/api/batches/${batch.id}/crowd/publish`, publishBody).expect(409);
    expect(res.body.error.message).toMatch(/crowd batches/);
  });
});

describe('sync and review', () => {
  it('confirms only what MTurk returns, approves and bonuses good work, rejects bad work, and books the cost once', async () => {
    const { project, batchId } = await crowdProject({
      approveAtOrAbove: 0.99,
      rejectBelow: 0.5,
      minGold: 1,
      bonus: { minAccuracy: 1, amount: '0.05' },
    });
    await admin.post(`/api/batches/${batchId}/crowd/publish`, publishBody).expect(200);
    const goldHit = await goldHitOf(project.id, batchId);
    const good = await workOnHit(goldHit.externalId, 'WGOOD', rightAnswers);
    await workOnHit(goldHit.externalId, 'WBAD', wrongAnswers);

    // A forged submission straight to our API (no MTurk assignment behind it) is stored pending and never counts.
    const forged = await fetch(`${t.url}/api/mturk/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        hitId: goldHit.externalId,
        assignmentId: 'FORGED123',
        workerId: 'WGOOD',
        judgments: goldHit.itemIds.map((itemId) => ({ itemId: Number(itemId), value: { score: 3 } })),
      }),
    });
    expect(forged.status).toBe(201);

    const sync = await admin.post(`/api/projects/${project.id}/crowd/sync`).expect(200);
    expect(sync.body).toMatchObject({ assignmentsSeen: 2, confirmed: 2, approved: 1, rejected: 1, held: 0, bonuses: 1 });
    const assignments = [...emulator.state.assignments.values()];
    expect(assignments.find((a) => a.workerId === 'WGOOD')!.status).toBe('Approved');
    const bad = assignments.find((a) => a.workerId === 'WBAD')!;
    expect(bad.status).toBe('Rejected');
    expect(bad.requesterFeedback).toMatch(/check questions correct/);
    expect(emulator.state.bonuses).toEqual([expect.objectContaining({ workerId: 'WGOOD', assignmentId: good.assignmentId, amountCents: 5 })]);

    const judgments = await rowsOf<{ worker_key: string; status: string }>(
      t.ctx.store.db,
      sql`select worker_key, status from judgments where project_id = ${project.id} order by id`,
    );
    expect(judgments.filter((j) => j.status === 'final').every((j) => j.worker_key === 'mturk:WGOOD')).toBe(true);
    expect(judgments.filter((j) => j.worker_key === 'mturk:WBAD').every((j) => j.status === 'rejected')).toBe(true);
    expect(judgments.filter((j) => j.status === 'pending').map((j) => j.worker_key)).toEqual([
      expect.stringMatching(/^pending:/),
      expect.stringMatching(/^pending:/),
    ]);

    // A second sync does nothing more: no second approval, payment or bonus.
    const again = await admin.post(`/api/projects/${project.id}/crowd/sync`).expect(200);
    expect(again.body).toMatchObject({ assignmentsSeen: 2, confirmed: 0, approved: 0, rejected: 0, bonuses: 0 });
    expect(emulator.state.bonuses).toHaveLength(1);
    const status = await admin.get(`/api/projects/${project.id}/crowd/status`).expect(200);
    // One approved assignment: $0.10 reward + $0.02 fee, $0.05 bonus + $0.01 minimum fee.
    expect(status.body.ledger).toEqual({ rewardCents: 10, feeCents: 3, bonusCents: 5, totalCents: 18 });
    expect(status.body.assignments).toMatchObject({ submitted: 2, approved: 1, rejected: 1, held: 0 });

    // The confirmed crowd judgments reach aggregation.
    await admin.post(`/api/projects/${project.id}/aggregate`).expect(200);
    const aggregated = await rowsOf<{ n: number }>(t.ctx.store.db, sql`select count(*)::int as n from aggregates where project_id = ${project.id}`);
    expect(aggregated[0].n).toBe(goldHit.itemIds.length);
  });

  it('survives a crash between deciding and approving: the rerun approves once and pays once', async () => {
    const { project, batchId } = await crowdProject({
      approveAtOrAbove: 0.5,
      rejectBelow: 0,
      minGold: 1,
      holdOtherwise: false,
      bonus: { minAccuracy: 0.5, amount: '0.02' },
    });
    await admin.post(`/api/batches/${batchId}/crowd/publish`, publishBody).expect(200);
    const hit = await goldHitOf(project.id, batchId);
    const { assignmentId } = await workOnHit(hit.externalId, 'WCRASH', rightAnswers);
    const real = crowdChannelOf(t.ctx);
    const crashing: CrowdChannel = Object.assign(Object.create(real), {
      approve: async (id: string, feedback: string) => {
        await real.approve(id, feedback);
        throw new Error('process killed after approving');
      },
    });
    await expect(syncCrowdProject(t.ctx, crashing, { projectId: project.id })).rejects.toThrow('process killed');
    const rerun = await syncCrowdProject(t.ctx, real, { projectId: project.id });
    expect(rerun).toMatchObject({ approved: 1, bonuses: 1 });
    expect(emulator.state.assignments.get(assignmentId)!.status).toBe('Approved');
    expect(emulator.state.bonuses.filter((b) => b.assignmentId === assignmentId)).toHaveLength(1);
    const ledger = await rowsOf<{ n: number }>(t.ctx.store.db, sql`select count(*)::int as n from cost_ledger where project_id = ${project.id}`);
    expect(ledger[0].n).toBe(4);
  });

  it('runs one sync at a time per project', async () => {
    const { project, batchId } = await crowdProject({ approveAtOrAbove: 0.5, rejectBelow: 0, minGold: 0, holdOtherwise: false });
    await admin.post(`/api/batches/${batchId}/crowd/publish`, publishBody).expect(200);
    const [hit] = await publishedHits(project.id);
    const { assignmentId } = await workOnHit(hit.externalId, 'WTWICE', rightAnswers);
    const results = await Promise.allSettled([
      syncCrowdProject(t.ctx, crowdChannelOf(t.ctx), { projectId: project.id }),
      syncCrowdProject(t.ctx, crowdChannelOf(t.ctx), { projectId: project.id }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason.message).toMatch(/already running/);
    expect(emulator.state.assignments.get(assignmentId)!.status).toBe('Approved');
  });

  /** A worker submits to MTurk without going through our page, so sync finds no submission of ours and holds it. */
  async function heldAssignmentOf(workerId: string) {
    const { project, batchId } = await crowdProject();
    await admin.post(`/api/batches/${batchId}/crowd/publish`, publishBody).expect(200);
    const [hit] = await publishedHits(project.id);
    const accept = await fetch(`${emulator.url}/_worker/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hitId: hit.externalId, workerId }),
    });
    const { assignmentId } = (await accept.json()) as { assignmentId: string };
    await fetch(`${emulator.url}/mturk/externalSubmit`, { method: 'POST', body: new URLSearchParams({ assignmentId, curateToken: 'made-up' }) });
    const sync = await admin.post(`/api/projects/${project.id}/crowd/sync`).expect(200);
    expect(sync.body).toMatchObject({ held: 1, confirmed: 0 });
    const held = await admin.get(`/api/projects/${project.id}/crowd/held`).expect(200);
    expect(held.body.assignments).toEqual([expect.objectContaining({ workerId, reason: expect.stringMatching(/No matching submission/) })]);
    return { project, assignmentId, heldId: held.body.assignments[0].id as number };
  }

  it('holds an assignment whose answer carries no token of ours, and lets an admin decide it', async () => {
    const { assignmentId, heldId } = await heldAssignmentOf('WODD');
    await admin.post(`/api/crowd/assignments/${heldId}/decide`, { decision: 'reject', reason: 'No work', bonus: '0.50' }).expect(400);
    await admin
      .post(`/api/crowd/assignments/${heldId}/decide`, { decision: 'reject', reason: 'No work was recorded for this assignment.' })
      .expect(200);
    expect(emulator.state.assignments.get(assignmentId)!.status).toBe('Rejected');
    await admin.post(`/api/crowd/workers/WODD/block`, { reason: 'Submitted without doing the task' }).expect(200);
    expect(emulator.state.blocks.has('WODD')).toBe(true);
  });

  it('pays a bonus an admin adds when approving a held assignment, once', async () => {
    const { project, assignmentId, heldId } = await heldAssignmentOf('WHELD');
    await admin
      .post(`/api/crowd/assignments/${heldId}/decide`, { decision: 'approve', reason: 'Thanks for the careful notes.', bonus: '0.25' })
      .expect(200);
    await admin.post(`/api/crowd/assignments/${heldId}/decide`, { decision: 'approve', reason: 'again', bonus: '0.25' }).expect(409);
    expect(emulator.state.assignments.get(assignmentId)!.status).toBe('Approved');
    expect(emulator.state.bonuses.filter((b) => b.workerId === 'WHELD')).toEqual([expect.objectContaining({ assignmentId, amountCents: 25 })]);
    const status = await admin.get(`/api/projects/${project.id}/crowd/status`).expect(200);
    expect(status.body.ledger.bonusCents).toBe(25);
  });

  it('grants our qualification to workers who pass a qualification test made of gold items', async () => {
    const { project } = await crowdProject({ qualificationPassMark: 0.5, approveAtOrAbove: 0.5, rejectBelow: 0, minGold: 0 });
    const { batch } = await buildBatch(t, project.id, { redundancy: 1, goldRate: 0.5, channel: 'crowd', excludeUsed: false, size: 2 }, false);
    await admin.post(`/api/batches/${batch.id}/crowd/publish`, { ...publishBody, itemsPerHit: 10, purpose: 'qualification' }).expect(200);
    const hit = (await publishedHits(project.id)).find((h) => h.itemIds.length > 2)!;
    await workOnHit(hit.externalId, 'WQUAL', rightAnswers);
    await admin.post(`/api/projects/${project.id}/crowd/sync`).expect(200);
    const grants = [...emulator.state.grants.values()].flatMap((m) => [...m.keys()]);
    expect(grants).toContain('WQUAL');
  });

  it('shows the balance and expires a batch', async () => {
    const { batchId } = await crowdProject();
    await admin.post(`/api/batches/${batchId}/crowd/publish`, publishBody).expect(200);
    const balance = await admin.get('/api/crowd/balance').expect(200);
    expect(balance.body.endpoint).toBe(emulator.url);
    expect(Number(balance.body.balance)).toBeGreaterThan(0);
    const expired = await admin.post(`/api/batches/${batchId}/crowd/expire`).expect(200);
    expect(expired.body.expired).toBe(3);
    const annotator = await buildTokenClient(t);
    await annotator.get('/api/crowd/balance').expect(403);
  });
});

describe('an unreachable crowd endpoint', () => {
  it('answers 502 with the endpoint named, not a crash', async () => {
    const offline = await startTestApp({ MTURK_ENDPOINT: 'http://127.0.0.1:9', PUBLIC_URL: 'http://127.0.0.1:9' });
    try {
      const client = await buildTokenClient(offline, 'admin');
      const res = await client.get('/api/crowd/balance').expect(502);
      expect(res.body.error).toMatchObject({ id: 'crowd_unreachable', message: expect.stringContaining('http://127.0.0.1:9') });
    } finally {
      await offline.close();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { startProlificEmulator, type ProlificEmulator } from '../support/prolific-emulator/index.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { prolificAppEnv } from '../support/prolific-app-env.ts';
import { buildBatch, buildDocuments, buildTokenClient } from '../support/factories.ts';
import { rowsOf } from '../../server/db/store.ts';
import { crowdChannelOf } from '../../server/crowd/channel-of.ts';
import { publishCrowdBatch } from '../../server/commands/publish-crowd.ts';
import { syncCrowdProject } from '../../server/commands/sync-crowd.ts';
import type { AnyCrowdChannel } from '../../server/crowd/channel.ts';

let emulator: ProlificEmulator;
let t: TestApp;
let admin: Awaited<ReturnType<typeof buildTokenClient>>;

beforeAll(async () => {
  emulator = await startProlificEmulator();
  t = await startTestApp(prolificAppEnv(emulator));
  admin = await buildTokenClient(t, 'admin');
});
afterAll(async () => {
  await t.close();
  await emulator.close();
});

// 2 items a study at 50 cents for 3 minutes: $10 an hour, over the $8 minimum.
const publishBody = {
  itemsPerHit: 2,
  reward: '0.50',
  estimatedCompletionMinutes: 3,
  title: 'Rate web text',
  description: 'Rate each document',
  budget: '10.00',
};

/** A crowd project: 4 ordinary documents and 2 gold ones (answers 5 and 0), 2 places per item. */
async function crowdProject(settings: Record<string, unknown> = {}) {
  const project = await t.buildProject();
  await buildDocuments(
    t,
    project.id,
    Array.from({ length: 6 }, (_, i) => ({ id: `d${i}`, text: `prolific document ${i} ${randomUUID()}` })),
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

/** What a participant's browser does: start on Prolific, arrive on our page, send answers to us, complete on Prolific. */
async function takePart(studyId: string, participantId: string, answer: (doc: { externalId: string }) => number) {
  const start = await fetch(`${emulator.origin}/_participant/start?study=${studyId}&participant=${participantId}`, { redirect: 'manual' });
  expect(start.status).toBe(302);
  const cookie = start.headers.get('set-cookie')!.split(';')[0]!;
  const arrival = new URL(start.headers.get('location')!);
  expect(arrival.pathname).toBe('/prolific');
  const params = Object.fromEntries(['PROLIFIC_PID', 'STUDY_ID', 'SESSION_ID'].map((k) => [k, arrival.searchParams.get(k)!]));
  expect(params).toMatchObject({ PROLIFIC_PID: participantId, STUDY_ID: studyId });
  const page = await fetch(`${t.url}/api/prolific/study?${new URLSearchParams(params)}`);
  const { tasks } = (await page.json()) as { tasks: { itemId: number; document: { externalId: string } }[] };
  const sent = await fetch(`${t.url}/api/prolific/submissions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      ...params,
      judgments: tasks.map((task) => ({ itemId: task.itemId, value: { score: answer(task.document) }, timeSpentMs: 5000 })),
    }),
  });
  expect(sent.status).toBe(201);
  const { completeUrl } = (await sent.json()) as { completeUrl: string };
  expect(completeUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/submissions\/complete\?cc=C[0-9A-F]{7}$/);
  const done = await fetch(completeUrl, { headers: { cookie } });
  expect(done.status).toBe(200);
  return { sessionId: params.SESSION_ID!, tasks };
}

const rightAnswers = (doc: { externalId: string }) => (doc.externalId === 'd5' ? 0 : 5);
const wrongAnswers = (doc: { externalId: string }) => (doc.externalId === 'd5' ? 5 : 0);

async function goldStudyOf(projectId: number, batchId: number) {
  const goldItems = await rowsOf<{ id: number }>(t.ctx.store.db, sql`select id from items where batch_id = ${batchId} and is_gold`);
  const hits = (await admin.get(`/api/projects/${projectId}/crowd/status`).expect(200)).body.hits as { externalId: string; itemIds: number[] }[];
  return hits.find((h) => h.itemIds.some((id) => goldItems.some((g) => Number(g.id) === Number(id))))!;
}

describe('publishing to Prolific', () => {
  it('estimates with the service fee, refuses under the minimum hourly pay and over budget, publishes drafts by transition, once', async () => {
    const { batchId } = await crowdProject();
    const channel = await admin.get('/api/crowd/channel').expect(200);
    expect(channel.body).toMatchObject({
      channel: 'prolific',
      endpoint: emulator.apiUrl,
      configured: true,
      vocabulary: { unit: 'study', place: 'place', worker: 'participant' },
    });
    const estimate = await admin
      .post(`/api/batches/${batchId}/crowd/estimate`, { itemsPerHit: 2, reward: '0.50', estimatedCompletionMinutes: 3 })
      .expect(200);
    // 3 studies × 2 places at 50 cents + 33.33% (17 cents): $4.02.
    expect(estimate.body).toMatchObject({ hitCount: 3, assignmentCount: 6, rewardTotal: '3.00', fees: '1.02', grandTotal: '4.02' });
    expect(estimate.body.warning).toMatch(/service fee of 33.33%/);
    const cheap = await admin.post(`/api/batches/${batchId}/crowd/publish`, { ...publishBody, reward: '0.30' }).expect(409);
    expect(cheap.body.error.message).toMatch(/minimum of 800: pay at least 40 cents/);
    await admin.post(`/api/batches/${batchId}/crowd/publish`, { ...publishBody, budget: '4.00' }).expect(409);
    expect(emulator.state.studies.size).toBe(0);
    const first = await admin.post(`/api/batches/${batchId}/crowd/publish`, publishBody).expect(200);
    expect(first.body).toMatchObject({ published: 3, alreadyPublished: 0 });
    const again = await admin.post(`/api/batches/${batchId}/crowd/publish`, publishBody).expect(200);
    expect(again.body).toMatchObject({ published: 0, alreadyPublished: 3 });
    const studies = [...emulator.state.studies.values()];
    expect(studies).toHaveLength(3);
    expect(studies[0]).toMatchObject({
      status: 'ACTIVE',
      prolific_id_option: 'url_parameters',
      reward: 50,
      total_available_places: 2,
      estimated_completion_time: 3,
      external_study_url: 'http://127.0.0.1:9/prolific?PROLIFIC_PID={{%PROLIFIC_PID%}}&STUDY_ID={{%STUDY_ID%}}&SESSION_ID={{%SESSION_ID%}}',
    });
    expect(studies[0]!.completion_codes.map((c) => c.code_type)).toEqual(['COMPLETED', 'FAILED_ATTENTION_CHECK']);
  });

  it('recovers from a crash after a study was created but before we recorded it: no duplicate studies', async () => {
    const { batchId } = await crowdProject();
    const real = crowdChannelOf(t.ctx);
    let calls = 0;
    const crashing: AnyCrowdChannel = Object.assign(Object.create(real), {
      publish: async (request: Parameters<AnyCrowdChannel['publish']>[0]) => {
        const id = await real.publish(request);
        if (++calls === 2) throw new Error('process killed');
        return id;
      },
    });
    const before = emulator.state.studies.size;
    await expect(publishCrowdBatch(t.ctx, crashing, { actorId: t.admin.id, batchId, options: publishBody })).rejects.toThrow('process killed');
    const rerun = await publishCrowdBatch(t.ctx, real, { actorId: t.admin.id, batchId, options: publishBody });
    expect(rerun).toMatchObject({ published: 2, alreadyPublished: 1 });
    expect(emulator.state.studies.size - before).toBe(3);
  });
});

describe('a crash between creating a study and publishing it', () => {
  it('publishes the draft the crash left on the rerun instead of making a second study', async () => {
    const { batchId } = await crowdProject();
    const channel = crowdChannelOf(t.ctx);
    const items = await rowsOf<{ id: number }>(t.ctx.store.db, sql`select id from items where batch_id = ${batchId} order by id`);
    const [first] = channel.plan(
      items.map((i) => String(i.id)),
      { batchId: String(batchId), placesPerItem: 2, options: { itemsPerHit: 2 } },
    );
    // What the crashed attempt left: the draft, named by the unit's token, never transitioned.
    const draft = await fetch(`${emulator.apiUrl}studies/`, {
      method: 'POST',
      headers: { authorization: `Token ${emulator.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Rate web text',
        internal_name: first!.token,
        description: 'Rate each document',
        external_study_url: 'http://127.0.0.1:9/prolific?PROLIFIC_PID={{%PROLIFIC_PID%}}&STUDY_ID={{%STUDY_ID%}}&SESSION_ID={{%SESSION_ID%}}',
        prolific_id_option: 'url_parameters',
        completion_codes: [{ code: 'C1', code_type: 'COMPLETED', actions: [{ action: 'MANUALLY_REVIEW' }] }],
        reward: 50,
        total_available_places: 2,
        estimated_completion_time: 3,
      }),
    });
    const { id: draftId } = (await draft.json()) as { id: string };
    const before = emulator.state.studies.size;
    const result = await publishCrowdBatch(t.ctx, channel, { actorId: t.admin.id, batchId, options: publishBody });
    expect(result).toMatchObject({ published: 3, alreadyPublished: 0 });
    expect(result.hits.map((h) => h.externalId)).toContain(draftId);
    expect(emulator.state.studies.size - before).toBe(2);
    expect(emulator.state.studies.get(draftId)!.status).toBe('ACTIVE');
  });
});

describe('syncing and reviewing Prolific submissions', () => {
  it('counts only submissions the API lists for that participant and study, approves and bonuses good work, rejects bad work with a long message', async () => {
    const { project, batchId } = await crowdProject({
      approveAtOrAbove: 0.99,
      rejectBelow: 0.5,
      minGold: 1,
      bonus: { minAccuracy: 1, amount: '0.20' },
    });
    await admin.post(`/api/batches/${batchId}/crowd/publish`, publishBody).expect(200);
    const study = await goldStudyOf(project.id, batchId);
    const good = await takePart(study.externalId, 'PGOOD', rightAnswers);
    const bad = await takePart(study.externalId, 'PBAD', wrongAnswers);
    // A forged session id and a forged participant on a real session: stored, but never confirmed.
    const judgments = good.tasks.map((task) => ({ itemId: task.itemId, value: { score: 3 } }));
    const forge = (body: Record<string, string>) =>
      fetch(`${t.url}/api/prolific/submissions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...body, judgments }),
      });
    expect((await forge({ PROLIFIC_PID: 'PFORGER', STUDY_ID: study.externalId, SESSION_ID: 'f'.repeat(24) })).status).toBe(201);
    const sync = await admin.post(`/api/projects/${project.id}/crowd/sync`).expect(200);
    expect(sync.body).toMatchObject({ assignmentsSeen: 2, confirmed: 2, approved: 1, rejected: 1, held: 0, bonuses: 1 });
    expect(emulator.state.submissions.get(good.sessionId)!.status).toBe('APPROVED');
    expect(emulator.state.bulkApprovals).toContainEqual([good.sessionId]);
    const rejected = emulator.state.submissions.get(bad.sessionId)!;
    expect(rejected).toMatchObject({ status: 'REJECTED', rejection_category: 'FAILED_CHECK' });
    expect(rejected.message!.length).toBeGreaterThanOrEqual(100);
    expect(emulator.state.paid).toEqual([expect.objectContaining({ participantId: 'PGOOD', cents: 20 })]);
    const workers = await rowsOf<{ worker_key: string }>(
      t.ctx.store.db,
      sql`select distinct worker_key from judgments where project_id = ${project.id} and status <> 'pending'`,
    );
    expect(workers.map((w) => w.worker_key).sort()).toEqual(['prolific:PBAD', 'prolific:PGOOD']);
    const again = await admin.post(`/api/projects/${project.id}/crowd/sync`).expect(200);
    expect(again.body).toMatchObject({ confirmed: 0, approved: 0, rejected: 0, bonuses: 0 });
    expect(emulator.state.paid).toHaveLength(1);
    // 50 cents + 17 fee, 20 cents bonus + 7 fee.
    const status = await admin.get(`/api/projects/${project.id}/crowd/status`).expect(200);
    expect(status.body.ledger).toEqual({ rewardCents: 50, feeCents: 24, bonusCents: 20, totalCents: 94 });
  });

  it('holds a submission whose answers were replaced under another participant id', async () => {
    const { project, batchId } = await crowdProject({ approveAtOrAbove: 0.5, rejectBelow: 0, minGold: 1 });
    await admin.post(`/api/batches/${batchId}/crowd/publish`, publishBody).expect(200);
    const study = await goldStudyOf(project.id, batchId);
    const real = await takePart(study.externalId, 'PREAL', rightAnswers);
    const forged = await fetch(`${t.url}/api/prolific/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        PROLIFIC_PID: 'PFORGER',
        STUDY_ID: study.externalId,
        SESSION_ID: real.sessionId,
        judgments: real.tasks.map((task) => ({ itemId: task.itemId, value: { score: 1 } })),
      }),
    });
    expect(forged.status).toBe(200);
    const sync = await admin.post(`/api/projects/${project.id}/crowd/sync`).expect(200);
    expect(sync.body).toMatchObject({ assignmentsSeen: 1, confirmed: 0, held: 1, approved: 0 });
  });

  it('pays a bonus once across a crash after paying and before recording it', async () => {
    const { project, batchId } = await crowdProject({
      approveAtOrAbove: 0.5,
      rejectBelow: 0,
      minGold: 1,
      holdOtherwise: false,
      bonus: { minAccuracy: 0.5, amount: '0.10' },
    });
    await admin.post(`/api/batches/${batchId}/crowd/publish`, publishBody).expect(200);
    const study = await goldStudyOf(project.id, batchId);
    await takePart(study.externalId, 'PCRASH', rightAnswers);
    const real = crowdChannelOf(t.ctx);
    const crashing: AnyCrowdChannel = Object.assign(Object.create(real), {
      bonus: async (...args: Parameters<AnyCrowdChannel['bonus']>) => {
        await real.bonus(...args);
        throw new Error('process killed');
      },
    });
    await expect(syncCrowdProject(t.ctx, crashing, { projectId: project.id })).rejects.toThrow('process killed');
    expect(emulator.state.paid.filter((p) => p.participantId === 'PCRASH')).toHaveLength(1);
    const rerun = await syncCrowdProject(t.ctx, real, { projectId: project.id });
    expect(rerun).toMatchObject({ approved: 1 });
    expect(emulator.state.paid.filter((p) => p.participantId === 'PCRASH')).toHaveLength(1);
    // The retry created a second bonus payment on Prolific, unpaid: creating costs nothing, paying twice would.
    expect([...emulator.state.bonusPayments.values()].filter((b) => b.lines.some((l) => l.participantId === 'PCRASH'))).toHaveLength(2);
  });
});

describe('Prolific hooks', () => {
  it('refuses a delivery whose signature does not verify, and syncs the project on a signed one', async () => {
    const api = (path: string, body: unknown) =>
      fetch(`${emulator.apiUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `Token ${emulator.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const { value: secret } = (await (await api('hooks/secrets/', { workspace_id: 'w1' })).json()) as { value: string };
    t.ctx.config.PROLIFIC_HOOK_SECRET = secret;
    const forged = await fetch(`${t.url}/api/prolific/hooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-Prolific-Request-Timestamp': '1', 'X-Prolific-Request-Signature': 'bm90IGl0' },
      body: JSON.stringify({ resource_id: 'x', event_type: 'submission.status.change' }),
    });
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as { error: { id: string } }).error.id).toBe('bad_signature');

    const subscribed = await api('hooks/subscriptions/', {
      workspace_id: 'w1',
      event_type: 'submission.status.change',
      target_url: `${t.url}/api/prolific/hooks`,
    });
    const { id } = (await subscribed.json()) as { id: string };
    expect((await api(`hooks/subscriptions/${id}/`, { secret: subscribed.headers.get('x-hook-secret') })).status).toBe(200);

    const { project, batchId } = await crowdProject({ approveAtOrAbove: 0.5, rejectBelow: 0, minGold: 1 });
    await admin.post(`/api/batches/${batchId}/crowd/publish`, publishBody).expect(200);
    const study = await goldStudyOf(project.id, batchId);
    const { sessionId } = await takePart(study.externalId, 'PHOOKED', rightAnswers);
    // No sync is asked for: the signed delivery of the submission's new status starts one.
    await expect.poll(() => emulator.state.submissions.get(sessionId)!.status, { timeout: 20_000 }).toBe('APPROVED');
    expect(emulator.state.deliveries.some((d) => d.status === 200)).toBe(true);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { startProlificEmulator, type ProlificEmulator } from '../support/prolific-emulator/index.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { buildBatch, buildDocuments, buildTokenClient } from '../support/factories.ts';
import { rowsOf } from '../../server/db/store.ts';
import { runCli } from '../support/run-cli.ts';

let emulator: ProlificEmulator;
let t: TestApp;
let admin: Awaited<ReturnType<typeof buildTokenClient>>;

beforeAll(async () => {
  emulator = await startProlificEmulator();
  // No PROLIFIC_HOOK_SECRET: the only secret the server can verify with is the one subscribing stores.
  t = await startTestApp({
    CROWD_CHANNEL: 'prolific',
    PROLIFIC_ENDPOINT: emulator.apiUrl,
    PROLIFIC_TOKEN: emulator.token,
    PROLIFIC_COMPLETE_URL: `${emulator.origin}/submissions/complete`,
    PUBLIC_URL: 'http://127.0.0.1:9',
  });
  admin = await buildTokenClient(t, 'admin');
});
afterAll(async () => {
  await t.close();
  await emulator.close();
});

/** A published crowd project of 2 documents, one of them gold (answer 5), in one study of 2 places. */
async function publishedStudy() {
  const project = await t.buildProject();
  await buildDocuments(t, project.id, [
    { id: 'd0', text: `hooked document ${randomUUID()}` },
    { id: 'd1', text: `hooked gold ${randomUUID()}` },
  ]);
  await admin.put(`/api/projects/${project.id}/gold`, { answers: [{ externalId: 'd1', answer: { score: 5 } }] }).expect(200);
  const settings = await fetch(`${t.url}/api/projects/${project.id}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', authorization: admin.authorization },
    body: JSON.stringify({ settings: { crowd: { approveAtOrAbove: 0.5, rejectBelow: 0, minGold: 1 } } }),
  });
  expect(settings.status).toBe(200);
  const { batch } = await buildBatch(t, project.id, { redundancy: 2, goldRate: 0.5, channel: 'crowd' }, false);
  await admin
    .post(`/api/batches/${batch.id}/crowd/publish`, {
      itemsPerHit: 2,
      reward: '0.50',
      estimatedCompletionMinutes: 3,
      title: 'Rate web text',
      description: 'Rate each document',
      budget: '10.00',
    })
    .expect(200);
  const [hit] = await rowsOf<{ external_id: string }>(t.ctx.store.db, sql`select external_id from crowd_hits where batch_id = ${batch.id}`);
  return { projectId: project.id, studyId: hit!.external_id };
}

/** A participant takes the study through the emulator and completes it, which moves the submission to awaiting review. */
async function takePart(studyId: string, participantId: string) {
  const start = await fetch(`${emulator.origin}/_participant/start?study=${studyId}&participant=${participantId}`, { redirect: 'manual' });
  const cookie = start.headers.get('set-cookie')!.split(';')[0]!;
  const arrival = new URL(start.headers.get('location')!);
  const params = Object.fromEntries(['PROLIFIC_PID', 'STUDY_ID', 'SESSION_ID'].map((k) => [k, arrival.searchParams.get(k)!]));
  const { tasks } = (await (await fetch(`${t.url}/api/prolific/study?${new URLSearchParams(params)}`)).json()) as { tasks: { itemId: number }[] };
  const sent = await fetch(`${t.url}/api/prolific/submissions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...params, judgments: tasks.map((task) => ({ itemId: task.itemId, value: { score: 5 }, timeSpentMs: 5000 })) }),
  });
  expect(sent.status).toBe(201);
  const { completeUrl } = (await sent.json()) as { completeUrl: string };
  expect((await fetch(completeUrl, { headers: { cookie } })).status).toBe(200);
  return params.SESSION_ID!;
}

describe('subscribing to Prolific hooks', () => {
  it('subscribes and confirms on Prolific, stores the secret, accepts the signed deliveries that follow and refuses forged ones', async () => {
    const subscribed = await admin.post('/api/crowd/hooks', { workspaceId: 'w1', targetUrl: `${t.url}/api/prolific/hooks` }).expect(200);
    expect(subscribed.body).toMatchObject({ eventType: 'submission.status.change', targetUrl: `${t.url}/api/prolific/hooks` });
    expect(JSON.stringify(subscribed.body)).not.toContain(emulator.state.hookSecret!);
    const hook = emulator.state.hooks.get(subscribed.body.subscriptionId)!;
    expect(hook).toMatchObject({ event_type: 'submission.status.change', target_url: `${t.url}/api/prolific/hooks`, is_enabled: true });

    const forged = await fetch(`${t.url}/api/prolific/hooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-Prolific-Request-Timestamp': '1', 'X-Prolific-Request-Signature': 'bm90IGl0' },
      body: JSON.stringify({ resource_id: 'x', event_type: 'submission.status.change' }),
    });
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as { error: { id: string } }).error.id).toBe('bad_signature');

    const { projectId, studyId } = await publishedStudy();
    const sessionId = await takePart(studyId, 'PSUBSCRIBED');
    // No sync is asked for: the delivery signed with the stored secret is accepted and starts one, which approves.
    await expect.poll(() => emulator.state.submissions.get(sessionId)!.status, { timeout: 20_000 }).toBe('APPROVED');
    const delivered = emulator.state.deliveries.filter((d) => d.subscriptionId === hook.id);
    expect(delivered.length).toBeGreaterThan(0);
    expect(delivered.every((d) => d.status === 200)).toBe(true);
    const status = await admin.get(`/api/projects/${projectId}/crowd/status`).expect(200);
    expect(JSON.stringify(status.body)).toContain(studyId);
  });

  it('names the hook route from PUBLIC_URL when no target is given', async () => {
    const subscribed = await admin.post('/api/crowd/hooks', { workspaceId: 'w2' }).expect(200);
    expect(subscribed.body.targetUrl).toBe('http://127.0.0.1:9/api/prolific/hooks');
    expect(emulator.state.hooks.get(subscribed.body.subscriptionId)).toMatchObject({ target_url: 'http://127.0.0.1:9/api/prolific/hooks' });
  });

  it('subscribes from the CLI', async () => {
    const out = await runCli(t, ['crowd', 'hooks', '--workspace', 'w3', '--url', `${t.url}/api/prolific/hooks`]);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const id = /subscription (\w+)/.exec(out.stdout)![1]!;
    expect(out.stdout).toContain(`subscribed submission.status.change to ${t.url}/api/prolific/hooks`);
    expect(emulator.state.hooks.get(id)).toMatchObject({ target_url: `${t.url}/api/prolific/hooks`, is_enabled: true });
  });

  it('refuses a body without a workspace', async () => {
    await admin.post('/api/crowd/hooks', {}).expect(400);
  });
});

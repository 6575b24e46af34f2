import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type SignedInAgent, type TestApp } from '../support/test-app.ts';
import { buildDocuments, buildTokenClient } from '../support/factories.ts';
import { startOpenAIEmulator, type OpenAIEmulator } from '../support/openai-emulator/index.ts';
import { rowsOf } from '../../server/db/store.ts';

/**
 * A judge's run reaching done draws its blind human sample: a batch of documents it answered, of its calibration
 * sample size, opened and served to annotators without any judge answer; once per judge, and never at size 0.
 */
let t: TestApp;
let admin: SignedInAgent;
let emulator: OpenAIEmulator;
let projectId: number;
const N = 30;

const post = (path: string, body: object) => admin.agent.post(path).set('X-CSRF-Token', admin.csrf).send(body);

async function runToDone(judgeId: number) {
  const { body } = await post(`/api/projects/${projectId}/judges/${judgeId}/runs`, {}).expect(202);
  for (;;) {
    const run = (await admin.agent.get(`/api/projects/${projectId}/judges/${judgeId}/runs/${body.run.id}`).expect(200)).body.run;
    if (run.status === 'done') break;
    expect(run.status).not.toBe('failed');
    await new Promise((r) => setTimeout(r, 100));
  }
}

const sampleBatches = (judgeId: number) =>
  rowsOf<{ id: number; status: string; items: number }>(
    t.ctx.store.db,
    sql`select b.id, b.status, (select count(*)::int from items i where i.batch_id = b.id) as items from batches b
        where b.project_id = ${projectId} and b.sampling->>'strategy' = 'judge-sample' and (b.sampling->>'judgeId')::bigint = ${judgeId}`,
  );

async function addJudge(name: string, calibrationSampleSize: number) {
  const res = await post(`/api/projects/${projectId}/judges`, { name, baseUrl: emulator.url, model: 'emulator-judge', calibrationSampleSize });
  expect(res.status).toBe(201);
  return Number(res.body.judge.id);
}

beforeAll(async () => {
  t = await startTestApp();
  admin = await t.signIn(t.admin);
  emulator = await startOpenAIEmulator({ script: () => ({ content: 'Fine.\nEducational score: 3' }) });
  projectId = (await t.buildProject()).id;
  await buildDocuments(
    t,
    projectId,
    Array.from({ length: N }, (_, n) => ({ id: `doc-${n}`, text: `doc-${n} about rivers.` })),
  );
}, 60_000);
afterAll(async () => {
  await t?.close();
  await emulator?.close();
});

describe('blind calibration sample after a judge run', () => {
  it('opens a batch of the judged documents, of the configured size, served without judge answers, once per judge', async () => {
    const judgeId = await addJudge('sampled', 10);
    await runToDone(judgeId);
    let batches: Awaited<ReturnType<typeof sampleBatches>> = [];
    await expect.poll(async () => (batches = await sampleBatches(judgeId)).length).toBe(1);
    expect(batches[0]).toMatchObject({ status: 'open', items: 10 });

    const annotator = await buildTokenClient(t);
    const lease = await annotator.post(`/api/projects/${projectId}/tasks/lease`, { count: 5 }).expect(200);
    expect(lease.body.tasks.length).toBeGreaterThan(0);
    const served = JSON.stringify(lease.body);
    expect(served).not.toMatch(/judge/i);
    expect(served).not.toContain('Educational score');

    await runToDone(judgeId);
    expect(await sampleBatches(judgeId)).toHaveLength(1);
  });

  it('draws none for a judge whose calibration sample size is 0', async () => {
    const judgeId = await addJudge('unsampled', 0);
    await runToDone(judgeId);
    expect(await sampleBatches(judgeId)).toHaveLength(0);
  });
});

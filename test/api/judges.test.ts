import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startSecondApp, startTestApp, type SignedInAgent, type TestApp } from '../support/test-app.ts';
import { buildBatch, buildDocuments } from '../support/factories.ts';
import { startOpenAIEmulator, type EmulatorReply, type OpenAIEmulator } from '../support/openai-emulator/index.ts';
import { rowsOf } from '../../server/db/store.ts';
import { batchProgress } from '../../server/db/queries/batches.ts';
import { aggregateProjectNow } from '../../server/commands/aggregate-project.ts';

/**
 * LLM judges end to end through the real `openai` client over HTTP against the local emulator: configuration,
 * a run through rate limits, server errors, malformed, truncated and slow answers, and a run stopped mid-way and
 * resumed by another process with every document answered exactly once.
 */
const N = 200;
let t: TestApp;
let admin: SignedInAgent;
let emulator: OpenAIEmulator;
let projectId: number;

const docNumber = (prompt: string) => Number(/doc-(\d+)\b/.exec(prompt)?.[1]);
const promptOf = (r: { messages: { content: string }[] }) => r.messages.map((m) => m.content).join('\n');

const post = (path: string, body: unknown) =>
  admin.agent
    .post(path)
    .set('X-CSRF-Token', admin.csrf)
    .send(body as object);

async function waitForRun(app: TestApp, judgeId: number, runId: number, until: (run: { status: string; done: number }) => boolean) {
  for (;;) {
    const { body } = await admin.agent.get(`/api/projects/${projectId}/judges/${judgeId}/runs/${runId}`).expect(200);
    if (until(body.run)) return body.run;
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  t = await startTestApp();
  admin = await t.signIn(t.admin);
  emulator = await startOpenAIEmulator();
  const project = await t.buildProject();
  projectId = project.id;
  await buildDocuments(
    t,
    projectId,
    Array.from({ length: N }, (_, n) => ({ id: `d${n}`, text: `doc-${n} is about photosynthesis, part ${n}.` })),
  );
  // Half the corpus in a batch with k = 2, so judge judgments meet human slots there.
  await buildBatch(t, projectId, { size: N / 2, redundancy: 2 });
}, 60_000);
afterAll(async () => {
  await t?.close();
  await emulator?.close();
});

async function addJudge(name: string, extra: Record<string, unknown> = {}) {
  const res = await post(`/api/projects/${projectId}/judges`, {
    name,
    baseUrl: emulator.url,
    model: 'emulator-judge',
    concurrency: 8,
    timeoutMs: 1000,
    priceInputPerMTok: 1,
    priceOutputPerMTok: 2,
    ...extra,
  }).expect(201);
  return res.body.judge;
}

describe('judge configuration', () => {
  it('adds a judge naming the key variable, never holding a key, and refuses what does not fit', async () => {
    const judge = await addJudge('config-check', { apiKeyEnv: 'CURATE_TEST_JUDGE_KEY' });
    expect(judge).toMatchObject({ name: 'config-check', apiKeyEnv: 'CURATE_TEST_JUDGE_KEY', keyAvailable: false, workerKey: `judge:${judge.id}` });
    expect(JSON.stringify(judge)).not.toMatch(/sk-/);
    await post(`/api/projects/${projectId}/judges`, { name: 'x', baseUrl: emulator.url, model: 'm', apiKeyEnv: 'sk-live key' }).expect(400);
    await post(`/api/projects/${projectId}/judges`, { name: 'config-check', baseUrl: emulator.url, model: 'm' }).expect(409);
    await post(`/api/projects/${projectId}/judges`, { name: 'y', baseUrl: 'file:///etc/passwd', model: 'm' }).expect(400);
    const bad = await post(`/api/projects/${projectId}/judges`, { name: 'z', baseUrl: emulator.url, model: 'm', promptTemplate: 'Rate {{txet}}' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('{{txet}}');
    const { body } = await admin.agent.get(`/api/projects/${projectId}/judges`).expect(200);
    expect(body.judges.map((j: { name: string }) => j.name)).toContain('config-check');
    expect(body.defaultTemplate).toContain('{{text}}');
  });

  it('previews the exact messages on a document, an edited template included, as data', async () => {
    const judge = await addJudge('preview');
    const { body } = await post(`/api/projects/${projectId}/judges/${judge.id}/preview`, {}).expect(200);
    expect(body.conversations).toHaveLength(1);
    expect(body.conversations[0][0].content).toContain('doc-0 is about photosynthesis');
    expect(body.conversations[0][0].content).toContain('"Educational score: <total points>"');
    const edited = await post(`/api/projects/${projectId}/judges/preview`, {
      template: '---system---\nYou grade.\n---user---\n<b>{{text}}</b> Educational score?',
    }).expect(200);
    expect(edited.body.conversations[0]).toEqual([
      { role: 'system', content: 'You grade.' },
      { role: 'user', content: '<b>doc-0 is about photosynthesis, part 0.</b> Educational score?' },
    ]);
    await admin.agent
      .patch(`/api/projects/${projectId}/judges/${judge.id}`)
      .set('X-CSRF-Token', admin.csrf)
      .send({ promptTemplate: 'Hi {{nope}}' })
      .expect(400);
  });
});

describe('a judge run', () => {
  it('judges every document once through 429s, 500s, malformed, truncated and slow answers; unreadable ones are counted, not judgments', async () => {
    const seen = new Map<number, number>();
    emulator.setScript((request): EmulatorReply => {
      const n = docNumber(promptOf(request));
      const attempt = (seen.get(n) ?? 0) + 1;
      seen.set(n, attempt);
      const kind = n % 10;
      if (kind === 1 && attempt === 1) return { status: 429, retryAfterSeconds: 0 };
      if (kind === 2 && attempt < 3) return { status: attempt === 1 ? 500 : 503 };
      if (kind === 3 && attempt === 1) return { malformed: true };
      if (n === 7 && attempt === 1) return { hang: true };
      if (kind === 4) return { truncate: true, content: 'The extract explains photosynth' };
      if (kind === 5) return { content: 'I cannot rate this.' };
      if (kind === 6) return { slowStream: true, content: `Clear.\nEducational score: ${n % 6}`, chunkDelayMs: 20 };
      return { content: `Covers the topic.\nEducational score: ${n % 6}`, usage: { prompt_tokens: 100, completion_tokens: 10 } };
    });
    // No blind sample: its batch, drawn as the run ends, would add open slots while this test counts them.
    const judge = await addJudge('faults', { calibrationSampleSize: 0 });
    const before = await rowsOf<{ open: number }>(t.ctx.store.db, sql`select count(*)::int as open from slots where status = 'open'`);
    const { body } = await post(`/api/projects/${projectId}/judges/${judge.id}/runs`, {}).expect(202);
    expect(body.run).toMatchObject({ scope: 'corpus', total: N });
    const run = await waitForRun(t, judge.id, body.run.id, (r) => r.status !== 'running' && r.status !== 'queued');

    expect(run).toMatchObject({ status: 'done', done: N, failed: 0, unparsed: N / 5 });
    expect(run.unparsedExamples.length).toBeGreaterThan(0);
    expect(run.unparsedExamples[0].reason).toMatch(/Educational score/);
    const answers = await rowsOf<{ n: number; docs: number; parsed: number; truncated: number }>(
      t.ctx.store.db,
      sql`select count(*)::int as n, count(distinct document_id)::int as docs, count(*) filter (where status = 'parsed')::int as parsed,
                 count(*) filter (where parse_error like '%cut at max tokens%')::int as truncated
          from judge_answers where judge_id = ${judge.id}`,
    );
    expect(answers[0]).toEqual({ n: N, docs: N, parsed: (N * 4) / 5, truncated: N / 10 });
    const retried = await rowsOf<{ n: number }>(
      t.ctx.store.db,
      sql`select count(*)::int as n from judge_answers where judge_id = ${judge.id} and attempts > 1`,
    );
    expect(retried[0].n).toBeGreaterThanOrEqual((N / 10) * 3);

    // Parsed answers are judgments of the judge's own worker key on the batch's items, using no human slot.
    const judgments = await rowsOf<{ n: number; items: number; slotless: number }>(
      t.ctx.store.db,
      sql`select count(*)::int as n, count(distinct item_id)::int as items, count(*) filter (where slot_id is null and user_id is null)::int as slotless
          from judgments where worker_key = ${`judge:${judge.id}`}`,
    );
    const parsedInBatch = await rowsOf<{ n: number }>(
      t.ctx.store.db,
      sql`select count(*)::int as n from items i join judge_answers a on a.document_id = i.document_id and a.judge_id = ${judge.id} and a.status = 'parsed'`,
    );
    expect(judgments[0]).toEqual({ n: parsedInBatch[0].n, items: parsedInBatch[0].n, slotless: parsedInBatch[0].n });
    const after = await rowsOf<{ open: number }>(t.ctx.store.db, sql`select count(*)::int as open from slots where status = 'open'`);
    expect(after[0].open).toBe(before[0].open);
    const [batch] = await rowsOf<{ id: number }>(t.ctx.store.db, sql`select id from batches where project_id = ${projectId} order by id limit 1`);
    expect(await batchProgress(t.ctx.store.db, Number(batch.id))).toMatchObject({ done: 0, itemsComplete: 0, judgmentsPerMinute: 0 });

    // Tokens and cost, per run and per judge.
    expect(run.tokensIn).toBeGreaterThan(0);
    expect(run.cost).toBeCloseTo((run.tokensIn * 1 + run.tokensOut * 2) / 1e6, 9);
    const { body: judged } = await admin.agent.get(`/api/projects/${projectId}/judges/${judge.id}`).expect(200);
    expect(judged.judge).toMatchObject({ tokensIn: run.tokensIn, tokensOut: run.tokensOut });

    // The aggregation sees the judge as a worker of its own, named as a judge.
    await aggregateProjectNow(t.ctx, projectId);
    const { body: quality } = await admin.agent.get(`/api/projects/${projectId}/quality`).expect(200);
    const shown = quality.annotators.find((a: { workerKey: string }) => a.workerKey === `judge:${judge.id}`);
    expect(shown?.name).toBe('faults (LLM judge, emulator-judge)');

    // A second run has nothing left to ask.
    const again = await post(`/api/projects/${projectId}/judges/${judge.id}/runs`, {}).expect(202);
    expect(again.body.run.total).toBe(0);
    await waitForRun(t, judge.id, again.body.run.id, (r) => r.status === 'done');
  }, 120_000);

  it('pauses and resumes, and a run stopped with its process is picked up by another: every document judged exactly once', async () => {
    emulator.setScript((request) => ({ content: `Educational score: ${docNumber(promptOf(request)) % 6}` }));
    emulator.setLatency(30);
    const judge = await addJudge('resumed', { concurrency: 4 });
    const other = await startSecondApp(t);
    const otherAdmin = await other.signIn(t.admin);
    const start = await otherAdmin.agent
      .post(`/api/projects/${projectId}/judges/${judge.id}/runs`)
      .set('X-CSRF-Token', otherAdmin.csrf)
      .send({})
      .expect(202);
    const runId = start.body.run.id;
    await waitForRun(t, judge.id, runId, (r) => r.done >= 20);
    const paused = await post(`/api/projects/${projectId}/judges/${judge.id}/runs/${runId}`, { action: 'pause' }).expect(200);
    expect(paused.body.run.status).toBe('paused');
    await post(`/api/projects/${projectId}/judges/${judge.id}/runs/${runId}`, { action: 'resume' }).expect(200);
    await waitForRun(t, judge.id, runId, (r) => r.done >= 60 && r.status === 'running');
    // The process running the job goes away mid-run: the run stays 'running', with no owner.
    await other.close();
    const stopped = await waitForRun(t, judge.id, runId, () => true);
    expect(stopped.status).toBe('running');
    expect(stopped.done).toBeLessThan(N);
    // Whichever process sweeps next picks it up.
    await t.built.jobs.find((j) => j.name === 'judge-runs')!.run();
    const done = await waitForRun(t, judge.id, runId, (r) => r.status === 'done');
    expect(done).toMatchObject({ done: N, failed: 0, unparsed: 0 });
    const [counts] = await rowsOf<{ answers: number; docs: number; dup: number }>(
      t.ctx.store.db,
      sql`select count(*)::int as answers, count(distinct document_id)::int as docs,
                 (select count(*)::int from (select item_id from judgments where worker_key = ${`judge:${judge.id}`} group by item_id having count(*) > 1) d) as dup
          from judge_answers where judge_id = ${judge.id}`,
    );
    expect(counts).toEqual({ answers: N, docs: N, dup: 0 });
    emulator.setLatency(0);
  }, 120_000);

  it('fails a run saying why when the key variable is not set, without crashing', async () => {
    const judge = await addJudge('no-key', { apiKeyEnv: 'CURATE_TEST_UNSET_KEY' });
    const { body } = await post(`/api/projects/${projectId}/judges/${judge.id}/runs`, {}).expect(202);
    const run = await waitForRun(t, judge.id, body.run.id, (r) => r.status === 'failed');
    expect(run.lastError).toContain('CURATE_TEST_UNSET_KEY');
  });
});

/**
 * `npm run bench:judges [-- --documents 10000 --concurrency 32 --latency 100]`: an LLM judge over the corpus
 * through the local OpenAI-compatible emulator, on real PostgreSQL, with the job run by the real server
 * (server/main.ts) as a child process.
 *  1. Throughput: documents/s from the run's start to its end, against the ideal concurrency / latency, as a ratio.
 *  2. Crash: a second judge's run, the server killed with SIGKILL mid-run, a new server started (its sweep resumes
 *     the run), then lost (documents without an answer) and duplicated (answers or judgments beyond one per
 *     document or item) counted from the database.
 */
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { createBenchDatabase, startServerProcess } from './bench-db.ts';
import { openStore } from '../../server/db/store.ts';
import { DomainEvents } from '../../server/events.ts';
import { loadConfig } from '../../server/config.ts';
import { rowsOf } from '../../server/db/store.ts';
import { createUser } from '../../server/commands/manage-users.ts';
import { createProject } from '../../server/commands/manage-projects.ts';
import { importCorpus } from '../../server/commands/import-corpus.ts';
import { generateBatch } from '../../server/commands/generate-batch.ts';
import { createBatchBody } from '../../server/routes/batches.schema.ts';
import { insertJudge, insertJudgeRun, countUnanswered, findJudgeRun } from '../../server/db/queries/judges.ts';
import { startOpenAIEmulator } from '../../test/support/openai-emulator/index.ts';

const { values } = parseArgs({
  options: {
    documents: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '32' },
    latency: { type: 'string', default: '100' },
  },
});
const N = Number(values.documents);
const CONCURRENCY = Number(values.concurrency);
const LATENCY = Number(values.latency);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const bench = await createBenchDatabase();
const store = await openStore({ databaseUrl: bench.url, poolSize: 5 });
const emulator = await startOpenAIEmulator({
  latencyMs: LATENCY,
  script: ({ messages }) => ({ content: `Clear.\nEducational score: ${Number(/doc-(\d+)/.exec(messages[0].content)?.[1] ?? 0) % 6}` }),
});
let server: Awaited<ReturnType<typeof startServerProcess>> | undefined;
try {
  const ctx = { config: loadConfig({ SESSION_SECRET: 'bench-secret-bench-secret', DATA_DIR: '/nonexistent' }), store, events: new DomainEvents() };
  const admin = await createUser(ctx, { actorId: null, email: 'bench@judges.local', name: 'bench', password: 'bench-password', role: 'admin' });
  const project = await createProject(ctx, {
    actorId: admin.id,
    name: 'judges bench',
    description: '',
    taskType: 'quality-rating',
    config: {},
    fieldMapping: {},
    trainingMode: false,
    openToAll: true,
  });
  const lines = Array.from({ length: N }, (_, n) => JSON.stringify({ id: `d${n}`, text: `doc-${n} explains how plants turn light into sugar.` }));
  await importCorpus(ctx, {
    projectId: project.id,
    userId: admin.id,
    options: { filename: 'bench.jsonl', textField: 'text', idField: 'id', maxErrors: 0 },
    input: Readable.from([Buffer.from(lines.join('\n'))]),
    maxDocumentBytes: 1_000_000,
  });
  // Items on a tenth of the corpus, so judgments (one per judge and item) are counted too.
  await generateBatch(ctx, {
    actorId: admin.id,
    projectId: project.id,
    input: createBatchBody.parse({ name: 'sample', size: Math.ceil(N / 10), redundancy: 1 }),
  });
  const judgeOf = (name: string) =>
    insertJudge(store.db, {
      projectId: project.id,
      createdBy: admin.id,
      name,
      baseUrl: emulator.url,
      model: 'emulator-judge',
      apiKeyEnv: null,
      temperature: 0,
      maxTokens: 64,
      concurrency: CONCURRENCY,
      timeoutMs: 30_000,
      promptTemplate: null,
      priceInputPerMTok: 0,
      priceOutputPerMTok: 0,
      calibrationSampleSize: 0,
    });
  // Queued runs are picked up by the server's sweep, as after a restart.
  const queue = async (judgeId: number) =>
    insertJudgeRun(store.db, {
      judgeId,
      projectId: project.id,
      scope: 'corpus',
      batchId: null,
      total: await countUnanswered(store.db, judgeId, project.id, null),
      createdBy: admin.id,
    });
  const waitFor = async (runId: number, until: (r: NonNullable<Awaited<ReturnType<typeof findJudgeRun>>>) => boolean) => {
    for (;;) {
      const run = (await findJudgeRun(store.db, runId))!;
      if (until(run)) return run;
      await sleep(100);
    }
  };

  server = await startServerProcess(bench.url);
  const first = await judgeOf('throughput');
  const run1 = await queue(first.id);
  const done1 = await waitFor(run1.id, (r) => r.status !== 'queued' && r.status !== 'running');
  const seconds = (done1.finishedAt!.getTime() - done1.startedAt!.getTime()) / 1000;
  const rate = done1.done / seconds;
  const ideal = CONCURRENCY / (LATENCY / 1000);
  console.log(
    `throughput: ${done1.done} documents in ${seconds.toFixed(1)} s = ${rate.toFixed(1)} documents/s; ideal ${ideal} /s (concurrency ${CONCURRENCY} / ${LATENCY} ms); ratio ${(rate / ideal).toFixed(2)} (${done1.status})`,
  );

  const second = await judgeOf('crash');
  const requestsBefore = emulator.requests.length;
  const run2 = await queue(second.id);
  const atKill = await waitFor(run2.id, (r) => r.done >= N * 0.4);
  // SIGKILL: no shutdown, no flush; answers in flight or buffered are gone with the process.
  const pid = server.pid;
  process.kill(pid, 'SIGKILL');
  await sleep(500);
  console.log(`crash: server killed (SIGKILL) with ${atKill.done} of ${N} stored`);
  server = await startServerProcess(bench.url);
  const done2 = await waitFor(run2.id, (r) => r.status !== 'queued' && r.status !== 'running');
  const [counts] = await rowsOf<{ lost: number; duplicated: number; judgment_dups: number }>(
    store.db,
    sql`select (select count(*)::int from documents d where d.project_id = ${project.id}
                  and not exists (select 1 from judge_answers a where a.judge_id = ${second.id} and a.document_id = d.id)) as lost,
               (select count(*)::int - count(distinct document_id)::int from judge_answers where judge_id = ${second.id}) as duplicated,
               (select count(*)::int - count(distinct item_id)::int from judgments where worker_key = ${`judge:${second.id}`}) as judgment_dups`,
  );
  console.log(
    `resumed: run ${done2.status}, ${done2.done} answers; lost = ${counts.lost}, duplicated = ${counts.duplicated + counts.judgment_dups} ` +
      `(answers ${counts.duplicated}, judgments ${counts.judgment_dups}); ${emulator.requests.length - requestsBefore - N} calls repeated for answers lost with the process`,
  );
  if (counts.lost !== 0 || counts.duplicated !== 0 || counts.judgment_dups !== 0) process.exitCode = 1;
} finally {
  await server?.stop();
  await emulator.close();
  await store.close();
  await bench.drop();
}

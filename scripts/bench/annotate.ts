/**
 * npm run bench:annotate [-- --annotators 200 --seconds 30 --auth session|token --profile DIR]
 *   Closed loop: simulated annotators lease and submit with no pause, over HTTP against the real server (a child
 *   process) on real PostgreSQL; prints judgments/s, lease and submit p50/p95/p99, invariant violations (must be
 *   0), and, in the same run, the same SQL statements issued directly through pg by as many concurrent loops, as the
 *   baseline ratio.
 * npm run bench:annotate -- --open [--annotators 500 --seconds 60] [--sweep]
 *   Open loop: annotators who think 3-8 s per task (see annotator-load.ts for the model); prints the offered and
 *   achieved rates, the backlog, lease and submit p50/p95/p99 and errors by status; --sweep runs 500, 1,000 and
 *   2,000 annotators in one go.
 * The load generator runs in a process of its own (annotator-load.ts), the server in another; --profile DIR writes
 * the server's CPU profile there (node --cpu-prof).
 */
import { fork } from 'node:child_process';
import { randomBytes, randomUUID, scryptSync } from 'node:crypto';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { rowsOf, type Db } from '../../server/db/store.ts';
import { DomainEvents } from '../../server/events.ts';
import { insertUser } from '../../server/db/queries/users.ts';
import { upsertMember } from '../../server/db/queries/members.ts';
import { createProject } from '../../server/commands/manage-projects.ts';
import { createApiToken } from '../../server/commands/api-tokens.ts';
import { importCorpus } from '../../server/commands/import-corpus.ts';
import { generateBatch } from '../../server/commands/generate-batch.ts';
import { openBatch } from '../../server/commands/manage-batches.ts';
import type { CommandContext } from '../../server/commands/run-command.ts';
import { createBatchBody } from '../../server/routes/batches.schema.ts';
import { leaseNextSlotSql } from '../../server/db/queries/leases.ts';
import { completeItemIfFullSql } from '../../server/db/queries/judgments.ts';
import { judgments, slots } from '../../server/db/schema.ts';
import { eq } from 'drizzle-orm';
import { peakRssMb, runBenchmark, startServerProcess } from './bench-db.ts';
import type { Credential, LoadConfig, LoadResult } from './annotator-load.ts';

const { values } = parseArgs({
  options: {
    annotators: { type: 'string' },
    seconds: { type: 'string' },
    docs: { type: 'string', default: '30000' },
    open: { type: 'boolean', default: false },
    sweep: { type: 'boolean', default: false },
    auth: { type: 'string', default: 'session' },
    profile: { type: 'string' },
  },
});
const OPEN = values.open || values.sweep;
const SIZES = values.sweep ? [500, 1000, 2000] : [Number(values.annotators ?? (OPEN ? 500 : 200))];
const SECONDS = Number(values.seconds ?? (OPEN ? 60 : 30));
const DOCS = Number(values.docs);
const AUTH = values.auth === 'token' ? 'token' : 'session';
const THINK_MS = [3000, 8000] as const;
const K = 3;
const PASSWORD = 'bench-annotator-password';
const dialect = new PgDialect();

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : 0);
const spread = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return `p50 ${percentile(sorted, 0.5).toFixed(1)} ms, p95 ${percentile(sorted, 0.95).toFixed(1)} ms, p99 ${percentile(sorted, 0.99).toFixed(1)} ms (${sorted.length})`;
};

/**
 * A password hash in the app's own format (see server/auth/password.ts) at a low scrypt cost: the format carries its
 * parameters, so the server verifies it as any other, and 2,000 sign-ins take a second instead of two CPU minutes.
 */
function cheapPasswordHash(password: string) {
  const salt = randomBytes(16);
  const [N, r, p] = [1024, 8, 1];
  return ['scrypt', N, r, p, salt.toString('base64'), scryptSync(password, salt, 32, { N, r, p }).toString('base64')].join('$');
}

async function seedProject(ctx: CommandContext, adminId: number, name: string, memberIds: number[]) {
  const project = await createProject(ctx, {
    actorId: adminId,
    name,
    description: '',
    taskType: 'quality-rating',
    config: {},
    fieldMapping: {},
    trainingMode: false,
  });
  const lines = Array.from({ length: DOCS }, (_, i) =>
    JSON.stringify({ id: `${name}-${i}`, text: `${name} document ${i} ${'lorem ipsum '.repeat(40)}` }),
  ).join('\n');
  await importCorpus(ctx, {
    projectId: project.id,
    userId: adminId,
    options: { filename: 'b.jsonl', textField: 'text', idField: 'id', maxErrors: 0 },
    input: Readable.from([Buffer.from(lines)]),
    maxDocumentBytes: 1e6,
  });
  const { batch } = await generateBatch(ctx, {
    actorId: adminId,
    projectId: project.id,
    input: createBatchBody.parse({ name: 'b', size: DOCS, redundancy: K }),
  });
  await openBatch(ctx, { actorId: adminId, batchId: batch.id });
  // Annotators label the projects they are members of, as in a real deployment (projects are closed by default).
  for (const userId of memberIds) await upsertMember(ctx.store.db, { projectId: project.id, userId, role: 'annotator' });
  return { project, batchId: batch.id };
}

async function violations(db: Db, projectId: number) {
  const [row] = await rowsOf<{ over_k: number; dup_worker: number; dup_slot: number }>(
    db,
    sql`select
      (select count(*)::int from (select item_id from judgments where project_id = ${projectId} and kind = 'label' and status = 'final' group by item_id having count(*) > ${K}) a) as over_k,
      (select count(*)::int from (select item_id, worker_key from judgments where project_id = ${projectId} and kind = 'label' and status = 'final' group by 1, 2 having count(*) > 1) b) as dup_worker,
      (select count(*)::int from (select slot_id from judgments where project_id = ${projectId} and kind = 'label' and status = 'final' group by 1 having count(*) > 1) c) as dup_slot`,
  );
  return row.over_k + row.dup_worker + row.dup_slot;
}

/** Runs the load generator in its own process and waits for its result. */
function runGenerator(config: LoadConfig): Promise<LoadResult> {
  const child = fork(path.join(path.dirname(fileURLToPath(import.meta.url)), 'annotator-load.ts'), {
    execArgv: ['--import', 'tsx'],
    stdio: 'inherit',
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { result?: LoadResult; error?: string }) => (m.result ? resolve(m.result) : reject(new Error(m.error))));
    child.once('exit', (code) => code && reject(new Error(`load generator exited with ${code}`)));
    child.send(config);
  });
}

/** The same statements as a lease and a submit, straight through pg, by as many concurrent loops. */
async function directBaseline(benchUrl: string, db: Db, projectId: number, batchId: number, userIds: number[]) {
  const pool = new pg.Pool({ connectionString: benchUrl, max: 40 });
  let done = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    userIds.map(async (userId) => {
      const workerKey = `u:${userId}`;
      while (performance.now() < deadline) {
        const lease = dialect.sqlToQuery(leaseNextSlotSql(batchId, userId, workerKey, 600));
        const { rows } = await pool.query(lease.sql, lease.params);
        if (!rows.length) return;
        const slotId = Number(rows[0].slot_id);
        const itemId = Number(rows[0].item_id);
        const client = await pool.connect();
        try {
          await client.query('begin');
          const insert = db
            .insert(judgments)
            .values({ clientId: randomUUID(), slotId, itemId, projectId, userId, workerKey, kind: 'label', value: { score: 3 }, timeSpentMs: 1000 })
            .toSQL();
          await client.query(insert.sql, insert.params);
          const complete = db.update(slots).set({ status: 'done', leasedBy: userId, leaseExpiresAt: null }).where(eq(slots.id, slotId)).toSQL();
          await client.query(complete.sql, complete.params);
          const item = dialect.sqlToQuery(completeItemIfFullSql(itemId));
          await client.query(item.sql, item.params);
          await client.query('commit');
          done++;
        } finally {
          client.release();
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await pool.end();
  return { done, seconds };
}

runBenchmark(async ({ url: benchUrl, store }) => {
  const { db } = store;
  const ctx = { store, events: new DomainEvents() };
  const admin = await insertUser(db, { email: 'admin@bench', name: 'admin', passwordHash: 'x', role: 'admin' });
  const passwordHash = cheapPasswordHash(PASSWORD);
  const most = Math.max(...SIZES);
  const annotators: { id: number; credential: Credential }[] = [];
  for (let i = 0; i < most; i++) {
    const email = `a${i}@bench.test`;
    const user = await insertUser(db, { email, name: `a${i}`, passwordHash, role: 'annotator' });
    const credential: Credential =
      AUTH === 'token' ? { token: (await createApiToken(ctx, { userId: user.id, name: 'b' })).secret } : { email, password: PASSWORD };
    annotators.push({ id: user.id, credential });
  }
  const memberIds = annotators.map((a) => a.id);
  // One project per run, so each size starts from the same state.
  const projects = [];
  for (const size of SIZES) projects.push({ size, ...(await seedProject(ctx, admin.id, `http-${size}`, memberIds)) });
  const baseline = OPEN ? undefined : await seedProject(ctx, admin.id, 'direct', memberIds);

  const server = await startServerProcess(benchUrl, values.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(values.profile)}`] : []);
  console.log(
    `${OPEN ? `open loop (think ${THINK_MS[0] / 1000}-${THINK_MS[1] / 1000} s per task)` : 'closed loop (no think time)'}, auth by ${AUTH}, k=${K}, ${DOCS} items per project, ${SECONDS} s per run`,
  );
  const rows = [];
  for (const { size, project } of projects) {
    const result = await runGenerator({
      url: server.url,
      projectId: project.id,
      annotators: annotators.slice(0, size).map((a) => a.credential),
      mode: OPEN ? 'open' : 'closed',
      seconds: SECONDS,
      thinkMinMs: THINK_MS[0],
      thinkMaxMs: THINK_MS[1],
      drainMs: 10_000,
      seed: size,
    });
    const errors =
      Object.entries(result.errors)
        .map(([k, n]) => `${k}: ${n}`)
        .join(', ') || 'none';
    const achieved = result.completed / result.seconds;
    const judgmentRate = result.judgments / result.seconds;
    console.log(`\n${size} annotators:`);
    if (OPEN) {
      // Each annotator sends two requests (an answer and the next lease) per mean think time.
      const intended = (2 * size) / ((THINK_MS[0] + THINK_MS[1]) / 2000);
      console.log(
        `  offered ${(result.scheduled / result.seconds).toFixed(1)} req/s (the model's ${intended.toFixed(1)}), achieved ${achieved.toFixed(1)} req/s, ${judgmentRate.toFixed(1)} judgments/s, backlog at the end ${result.backlog} (generator timer lag p99 ${result.sendLagP99Ms.toFixed(1)} ms)`,
      );
    } else {
      console.log(
        `  ${result.judgments} judgments in ${result.seconds.toFixed(1)} s = ${judgmentRate.toFixed(0)} judgments/s (${achieved.toFixed(0)} req/s)`,
      );
    }
    console.log(`  lease  ${spread(result.leaseMs)}`);
    console.log(`  submit ${spread(result.submitMs)}`);
    console.log(`  errors: ${errors}${result.outOfWork ? `; ${result.outOfWork} annotators ran out of work` : ''}`);
    console.log(`  violations (over k, same annotator twice, slot judged twice): ${await violations(db, project.id)}`);
    rows.push({ size, result, judgmentRate });
  }
  const serverRss = server.peakRssMb();
  await server.stop();

  if (baseline) {
    const direct = await directBaseline(benchUrl, db, baseline.project.id, baseline.batchId, memberIds.slice(0, SIZES[0]));
    const directRate = direct.done / direct.seconds;
    console.log(`\ndirect pg (same statements): ${direct.done} judgments in ${direct.seconds.toFixed(1)} s = ${directRate.toFixed(0)} judgments/s`);
    console.log(`ratio HTTP/direct: ${(rows[0].judgmentRate / directRate).toFixed(2)}`);
    console.log(`violations direct: ${await violations(db, baseline.project.id)}`);
  }
  if (rows.length > 1) {
    console.log('\n| annotators | offered req/s | achieved req/s | lease p50 / p95 / p99 ms | submit p50 / p95 / p99 ms | errors |');
    console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const { size, result } of rows) {
      const p = (ms: number[]) => {
        const s = [...ms].sort((a, b) => a - b);
        return [0.5, 0.95, 0.99].map((q) => percentile(s, q).toFixed(0)).join(' / ');
      };
      const errors = Object.values(result.errors).reduce((a, b) => a + b, 0);
      console.log(
        `| ${size} | ${(result.scheduled / result.seconds).toFixed(0)} | ${(result.completed / result.seconds).toFixed(0)} | ${p(result.leaseMs)} | ${p(result.submitMs)} | ${errors} |`,
      );
    }
  }
  console.log(`\nserver peak RSS: ${serverRss.toFixed(0)} MB; benchmark process peak RSS: ${peakRssMb().toFixed(0)} MB`);
}, 40);

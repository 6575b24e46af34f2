/**
 * npm run bench:annotate [-- --annotators 200 --seconds 30]
 * Simulated annotators lease and submit in a loop over HTTP against the real server (a child process) on real
 * PostgreSQL; prints judgments/s, p50/p99
 * latency, invariant violations (must be 0), and, in the same run, the same SQL statements issued directly
 * through pg by as many concurrent loops, as the baseline ratio.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { rowsOf, type Db } from '../../server/db/store.ts';
import { DomainEvents } from '../../server/events.ts';
import { insertUser } from '../../server/db/queries/users.ts';
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

const { values } = parseArgs({
  options: { annotators: { type: 'string', default: '200' }, seconds: { type: 'string', default: '30' }, docs: { type: 'string', default: '30000' } },
});
const ANNOTATORS = Number(values.annotators);
const SECONDS = Number(values.seconds);
const DOCS = Number(values.docs);
const K = 3;
const dialect = new PgDialect();

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : 0);

async function seedProject(ctx: CommandContext, adminId: number, name: string) {
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
  return project;
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

runBenchmark(async ({ url: benchUrl, store }) => {
  const { db } = store;
  const ctx = { store, events: new DomainEvents() };
  const admin = await insertUser(db, { email: 'admin@bench', name: 'admin', passwordHash: 'x', role: 'admin' });
  const project = await seedProject(ctx, admin.id, 'http');
  const baselineProject = await seedProject(ctx, admin.id, 'direct');
  const batchIds = [];
  for (const p of [project, baselineProject]) {
    const { batch } = await generateBatch(ctx, {
      actorId: admin.id,
      projectId: p.id,
      input: createBatchBody.parse({ name: 'b', size: DOCS, redundancy: K }),
    });
    await openBatch(ctx, { actorId: admin.id, batchId: batch.id });
    batchIds.push(batch.id);
  }
  const baselineBatchId = batchIds[1];
  const annotators = await Promise.all(
    Array.from({ length: ANNOTATORS }, async (_, i) => {
      const user = await insertUser(db, { email: `a${i}@bench`, name: `a${i}`, passwordHash: 'x', role: 'annotator' });
      return { user, token: (await createApiToken(ctx, { userId: user.id, name: 'b' })).secret };
    }),
  );

  const server = await startServerProcess(benchUrl);
  const url = server.url;

  // Over HTTP: lease one, submit it, repeat until time is up or the work runs out.
  const latencies: number[] = [];
  let httpJudgments = 0;
  let errors = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    annotators.map(async ({ token }) => {
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      while (performance.now() < deadline) {
        let t = performance.now();
        const leased = await fetch(`${url}/api/projects/${project.id}/tasks/lease`, { method: 'POST', headers, body: '{"count":1}' });
        latencies.push(performance.now() - t);
        const { tasks } = (await leased.json()) as { tasks: { slotId: number }[] };
        if (!tasks?.length) return;
        t = performance.now();
        const res = await fetch(`${url}/api/projects/${project.id}/judgments`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ clientId: randomUUID(), slotId: tasks[0].slotId, value: { score: 3 }, timeSpentMs: 1000 }),
        });
        latencies.push(performance.now() - t);
        await res.arrayBuffer();
        if (res.status === 201) httpJudgments++;
        else errors++;
      }
    }),
  );
  const httpSeconds = (performance.now() - started) / 1000;
  const serverRss = server.peakRssMb();
  await server.stop();

  // Baseline: the same statements straight through pg, with as many concurrent loops.
  const pool = new pg.Pool({ connectionString: benchUrl, max: 40 });
  let directJudgments = 0;
  const directDeadline = performance.now() + SECONDS * 1000;
  const directStarted = performance.now();
  await Promise.all(
    annotators.map(async ({ user }) => {
      const workerKey = `u:${user.id}`;
      while (performance.now() < directDeadline) {
        const lease = dialect.sqlToQuery(leaseNextSlotSql(baselineBatchId, user.id, workerKey, 600));
        const { rows } = await pool.query(lease.sql, lease.params);
        if (!rows.length) return;
        const slotId = Number(rows[0].slot_id);
        const itemId = Number(rows[0].item_id);
        const client = await pool.connect();
        try {
          await client.query('begin');
          const insert = db
            .insert(judgments)
            .values({
              clientId: randomUUID(),
              slotId,
              itemId,
              projectId: baselineProject.id,
              userId: user.id,
              workerKey,
              kind: 'label',
              value: { score: 3 },
              timeSpentMs: 1000,
            })
            .toSQL();
          await client.query(insert.sql, insert.params);
          const done = db.update(slots).set({ status: 'done', leasedBy: user.id, leaseExpiresAt: null }).where(eq(slots.id, slotId)).toSQL();
          await client.query(done.sql, done.params);
          const complete = dialect.sqlToQuery(completeItemIfFullSql(itemId));
          await client.query(complete.sql, complete.params);
          await client.query('commit');
          directJudgments++;
        } finally {
          client.release();
        }
      }
    }),
  );
  const directSeconds = (performance.now() - directStarted) / 1000;
  await pool.end();

  latencies.sort((a, b) => a - b);
  const httpRate = httpJudgments / httpSeconds;
  const directRate = directJudgments / directSeconds;
  console.log(`annotators: ${ANNOTATORS}, k=${K}, ${DOCS} items per project, ${SECONDS} s per phase`);
  console.log(
    `HTTP (auth, validation, lease + submit): ${httpJudgments} judgments in ${httpSeconds.toFixed(1)} s = ${httpRate.toFixed(0)} judgments/s, ${errors} non-201 submits`,
  );
  console.log(
    `  request latency p50 ${percentile(latencies, 0.5).toFixed(1)} ms, p99 ${percentile(latencies, 0.99).toFixed(1)} ms (${latencies.length} requests)`,
  );
  console.log(
    `direct pg (same statements):            ${directJudgments} judgments in ${directSeconds.toFixed(1)} s = ${directRate.toFixed(0)} judgments/s`,
  );
  console.log(`ratio HTTP/direct: ${(httpRate / directRate).toFixed(2)}`);
  console.log(
    `violations (over k, same annotator twice, slot judged twice): HTTP ${await violations(db, project.id)}, direct ${await violations(db, baselineProject.id)}`,
  );
  console.log(`server peak RSS: ${serverRss.toFixed(0)} MB; load generator peak RSS: ${peakRssMb().toFixed(0)} MB`);
}, 40);

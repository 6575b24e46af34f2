/**
 * npm run bench:scale [-- --sizes 1e5,1e6,1e7] [--leases 200] [--calls 7]
 * Grows one project on real PostgreSQL to each size in turn, importing the documents through the import command
 * (a generated JSONL.gz file, as `curate import` reads it), and at each size measures:
 * - import: docs/s of the import that brought the project to this size;
 * - lease: p50/p99 of the lease command (10 tasks a call, a rotation of annotators) on a 10,000-item batch drawn
 *   from the whole corpus;
 * - documents page: p50 of the query behind the admin documents list, first page and a page filtered by source;
 * - export count: p50 of the export's count (what GET /export/count answers), over one item and aggregate per
 *   document (written in SQL: only the documents must come through the import path);
 * - corpus scoring: docs/s of the classifier's scoring job (the one POST …/classifier/runs/:id/score starts) over
 *   every document of the project, and this process's peak RSS after it. The model is trained once, in process, on
 *   20,000 generated documents of the same kind (the scoring job is measured, not the training).
 * `--text-bytes N` (default 300) sets each document's text length: 300 keeps 10^7 documents on a shared disk;
 * web pages run to a few KB.
 * Prints each figure at every size and as a ratio to the first size's, so flatness is visible in one run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { DomainEvents } from '../../server/events.ts';
import { insertUser } from '../../server/db/queries/users.ts';
import { createProject } from '../../server/commands/manage-projects.ts';
import { importCorpus } from '../../server/commands/import-corpus.ts';
import { generateBatch } from '../../server/commands/generate-batch.ts';
import { openBatch } from '../../server/commands/manage-batches.ts';
import { leaseTasks } from '../../server/commands/lease-tasks.ts';
import { documentsPage } from '../../server/db/queries/documents.ts';
import { estimateExportRows } from '../../server/db/queries/export.ts';
import { exportOptionsSchema } from '../../server/export/export-options.ts';
import { importOptionsSchema } from '../../server/import/import-options.ts';
import { createBatchBody } from '../../server/routes/batches.schema.ts';
import { listDocumentsQuery } from '../../server/routes/documents.schema.ts';
import { loadConfig } from '../../server/config.ts';
import { runClassifierScoring } from '../../server/jobs/classifier-runs.ts';
import { findClassifierRun, finishClassifierRun, insertClassifierRun } from '../../server/db/queries/classifier.ts';
import { classifierTrainingSchema, splitTrainingSet, trainAndEvaluate } from '../../server/filtering/classifier-training-set.ts';
import { writeFastTextBin } from '../../server/classifier/index.ts';
import type { Store } from '../../server/db/store.ts';
import { runBenchmark, seededRandom } from './bench-db.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1e5,1e6,1e7' },
    leases: { type: 'string', default: '200' },
    calls: { type: 'string', default: '7' },
    'text-bytes': { type: 'string', default: '300' },
  },
});
const sizes = values.sizes
  .split(',')
  .map(Number)
  .sort((a, b) => a - b);
if (sizes.some((s) => !Number.isInteger(s) || s < 1000)) throw new Error('--sizes takes integers of at least 1000, like 1e5,1e6');
const LEASES = Number(values.leases);
const CALLS = Number(values.calls);
const TEXT_BYTES = Number(values['text-bytes']);
if (!Number.isInteger(TEXT_BYTES) || TEXT_BYTES < 10) throw new Error('--text-bytes takes an integer of at least 10');
const ANNOTATORS = 20;
const MODEL_TRAINING_DOCUMENTS = 20_000;
const BATCH_ITEMS = 10_000;

const words = 'the of and to in is that for it as was with be by on not this are or from at which but have an they you were one all we'.split(' ');
const sources = ['wiki', 'forum', 'news', 'code', 'books', 'shop'];

/** A document's text: its number, then words drawn at random up to TEXT_BYTES. */
function textOf(i: number, rand: () => number) {
  let text = `${i}`;
  while (text.length < TEXT_BYTES) text += ' ' + words[Math.floor(rand() * words.length)];
  return text;
}

/** Writes documents [from, to) as gzipped JSONL. */
async function generate(file: string, from: number, to: number) {
  const rand = seededRandom(from + 1);
  const out = fs.createWriteStream(file);
  const gz = zlib.createGzip({ level: 1 });
  gz.pipe(out);
  let chunk = '';
  for (let i = from; i < to; i++) {
    const text = textOf(i, rand);
    chunk += JSON.stringify({ id: `doc-${i}`, text, source: sources[i % sources.length], url: `https://example.org/${i}`, lang: 'en' }) + '\n';
    if (chunk.length > 1 << 20) {
      if (!gz.write(chunk)) await once(gz, 'drain');
      chunk = '';
    }
  }
  gz.end(chunk);
  await once(out, 'finish');
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

async function timed(fn: () => Promise<unknown>) {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function p50Of(fn: () => Promise<unknown>) {
  await fn(); // warm: the first call pays for plans and cold pages
  const times: number[] = [];
  for (let i = 0; i < CALLS; i++) times.push(await timed(fn));
  return quantile(times, 0.5);
}

type Figures = Record<string, number>;

/** A classifier run with a model trained here on generated documents labeled 0-5, ready to score the corpus. */
async function trainedRun(db: Store['db'], projectId: number, createdBy: number) {
  const rand = seededRandom(99);
  const documents = Array.from({ length: MODEL_TRAINING_DOCUMENTS }, (_, i) => ({
    text: textOf(i, rand),
    label: String(i % 6),
    confidence: 1,
    reference: null,
  }));
  const training = classifierTrainingSchema.parse({});
  const set = splitTrainingSet(documents, training);
  const { model, report } = trainAndEvaluate(set, training);
  const run = await insertClassifierRun(db, { projectId, settings: training, createdBy });
  await finishClassifierRun(db, run.id, {
    status: 'succeeded',
    classes: set.scheme,
    trainExamples: set.train.length,
    heldOutExamples: set.heldOut.length,
    report,
    model: writeFastTextBin(model),
  });
  return run.id;
}

runBenchmark(async ({ store }) => {
  const started = performance.now();
  const { db } = store;
  const events = new DomainEvents();
  const ctx = { config: loadConfig({}), store, events };
  const admin = await insertUser(db, { email: 'admin@bench', name: 'admin', passwordHash: 'x', role: 'admin' });
  const annotators = await Promise.all(
    Array.from({ length: ANNOTATORS }, (_, i) => insertUser(db, { email: `a${i}@bench`, name: `a${i}`, passwordHash: 'x', role: 'annotator' })),
  );
  const project = await createProject(ctx, {
    actorId: admin.id,
    name: 'scale',
    description: '',
    taskType: 'quality-rating',
    config: {},
    fieldMapping: {},
    trainingMode: false,
  });
  // Items and aggregates for the export count live in a closed batch of their own, so they never serve leases.
  await db.execute(
    sql`insert into batches (project_id, name, status, sampling, redundancy, seed) values (${project.id}, 'export', 'closed', '{}'::jsonb, 3, 1)`,
  );
  const runId = await trainedRun(db, project.id, admin.id);
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'curate-scale-'));
  const results: { size: number; figures: Figures }[] = [];
  let have = 0;
  try {
    for (const size of sizes) {
      const figures: Figures = {};
      const file = path.join(dir, `docs-${have}-${size}.jsonl.gz`);
      await generate(file, have, size);
      const importMs = await timed(async () => {
        const summary = await importCorpus(ctx, {
          projectId: project.id,
          userId: admin.id,
          options: importOptionsSchema.parse({ filename: path.basename(file) }),
          input: fs.createReadStream(file),
          maxDocumentBytes: ctx.config.MAX_DOCUMENT_BYTES,
        });
        if (summary.status !== 'succeeded' || summary.imported !== size - have) throw new Error(`import: ${summary.message}`);
      });
      await fs.promises.rm(file);
      figures['import docs/s'] = (size - have) / (importMs / 1000);
      have = size;

      await db.execute(sql`
        insert into items (batch_id, project_id, document_id, target_k, status)
        select (select id from batches where project_id = ${project.id} and name = 'export'), ${project.id}, d.id, 3, 'complete'
        from documents d where d.project_id = ${project.id}
          and not exists (select 1 from items i where i.document_id = d.id)`);
      await db.execute(sql`
        insert into aggregates (item_id, project_id, method, score, low, high, confidence, n_judgments)
        select i.id, ${project.id}, 'ordinal', (i.id % 6)::float8, (i.id % 6)::float8 - 0.4, (i.id % 6)::float8 + 0.4, 0.8, 3
        from items i where i.batch_id = (select id from batches where project_id = ${project.id} and name = 'export') and not exists (select 1 from aggregates a where a.item_id = i.id)`);
      // What autovacuum does shortly after a bulk load, done now so every size is measured with fresh statistics.
      await db.execute(sql`analyze documents, items, aggregates`);

      const batchMs = await timed(async () => {
        const { batch } = await generateBatch(ctx, {
          actorId: admin.id,
          projectId: project.id,
          input: createBatchBody.parse({ name: `lease-${size}`, size: BATCH_ITEMS, excludeUsed: false, seed: 7 }),
        });
        await openBatch(ctx, { actorId: admin.id, batchId: batch.id });
      });
      const leaseTimes: number[] = [];
      for (let i = 0; i < LEASES; i++) {
        const user = annotators[i % ANNOTATORS];
        leaseTimes.push(await timed(() => leaseTasks(ctx, { project, user, count: 10 })));
      }
      figures['lease p50 ms'] = quantile(leaseTimes, 0.5);
      figures['lease p99 ms'] = quantile(leaseTimes, 0.99);
      // Leases of this size's batch must not be served at the next size: close the batch.
      await db.execute(sql`update batches set status = 'closed' where project_id = ${project.id} and status = 'open'`);

      figures['documents first page ms'] = await p50Of(() => documentsPage(db, project.id, listDocumentsQuery.parse({})));
      figures['documents by source ms'] = await p50Of(() =>
        documentsPage(db, project.id, listDocumentsQuery.parse({ source: 'news', after: '1000' })),
      );
      const scoreMs = await timed(() => runClassifierScoring(ctx, { projectId: project.id, runId }));
      const run = await findClassifierRun(db, project.id, runId);
      if (run?.scoreStatus !== 'succeeded' || run.scored !== size) throw new Error(`scoring: ${run?.scoreStatus} ${run?.scored} of ${size}`);
      figures['scoring docs/s'] = size / (scoreMs / 1000);
      figures['peak RSS MB'] = process.resourceUsage().maxRSS / 1024;
      const count = await estimateExportRows(db, project.id, exportOptionsSchema.parse({}));
      figures['export count ms'] = await p50Of(() => estimateExportRows(db, project.id, exportOptionsSchema.parse({})));
      console.log(
        `size ${size}: imported in ${(importMs / 1000).toFixed(1)} s, batch of ${BATCH_ITEMS} drawn in ${(batchMs / 1000).toFixed(1)} s, export count says ${JSON.stringify(count)}`,
      );
      console.log(
        `  ${Object.entries(figures)
          .map(([k, v]) => `${k} ${v.toFixed(2)}`)
          .join(', ')}`,
      );
      results.push({ size, figures });
    }
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }

  const names = Object.keys(results[0].figures);
  const base = results[0].figures;
  console.log(`\n${'figure'.padEnd(26)}${results.map((r) => String(r.size).padStart(22)).join('')}`);
  for (const name of names) {
    const cells = results.map((r) => `${r.figures[name].toFixed(name.includes('docs/s') ? 0 : 2)} (x${(r.figures[name] / base[name]).toFixed(2)})`);
    console.log(`${name.padEnd(26)}${cells.map((c) => c.padStart(22)).join('')}`);
  }
  console.log(`(ratios are to the ${results[0].size} figure; for docs/s above 1 is faster, for ms above 1 is slower)`);
  console.log(`run time ${((performance.now() - started) / 1000).toFixed(0)} s`);
});

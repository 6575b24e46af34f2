/**
 * npm run bench:export [-- --items 1000000] [--formats jsonl,parquet,csv,hf]
 * Exports N aggregated items from real PostgreSQL through the export path in each format (default JSONL and
 * Parquet), and in the same run runs PostgreSQL `COPY (same query) TO STDOUT` as the baseline; prints rows/s,
 * ratios and peak RSS.
 */
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../../server/config.ts';
import { DomainEvents } from '../../server/events.ts';
import { insertUser } from '../../server/db/queries/users.ts';
import { createProject } from '../../server/commands/manage-projects.ts';
import { exportSet } from '../../server/commands/export-set.ts';
import { exportOptionsSchema } from '../../server/export/export-options.ts';
import { peakRssMb, runBenchmark } from './bench-db.ts';

const { values } = parseArgs({ options: { items: { type: 'string', default: '1000000' }, formats: { type: 'string', default: 'jsonl,parquet' } } });
const N = Number(values.items);
const optionSets = values.formats.split(',').map((format) => exportOptionsSchema.parse({ format }));

/** A sink that counts bytes and drops them, so the figures measure producing the file, not the disk. */
function countingSink() {
  const sink = { bytes: 0, stream: new Writable({ write: (chunk, _e, done) => ((sink.bytes += chunk.length), done()) }) };
  return sink;
}

runBenchmark(async ({ url: benchUrl, store }) => {
  const { db } = store;
  const admin = await insertUser(db, { email: 'admin@bench', name: 'admin', passwordHash: 'x', role: 'admin' });
  const project = await createProject(
    { store, events: new DomainEvents() },
    { actorId: admin.id, name: 'export', description: '', taskType: 'quality-rating', config: {}, fieldMapping: {}, trainingMode: false },
  );
  // Rows generated in SQL: documents, one batch, items and their aggregates.
  await db.execute(
    sql`insert into batches (project_id, name, status, sampling, redundancy, seed) values (${project.id}, 'b', 'closed', '{}'::jsonb, 3, 1)`,
  );
  await db.execute(sql`
    insert into documents (project_id, external_id, content_hash, text, meta, source, url, lang, token_estimate)
    select ${project.id}, 'doc-' || g, md5(g::text), 'document ' || g || ' ' || repeat('lorem ipsum dolor sit amet ', 20),
           jsonb_build_object('source', (array['wiki','forum','news','code'])[1 + g % 4], 'url', 'https://example.org/' || g),
           (array['wiki','forum','news','code'])[1 + g % 4], 'https://example.org/' || g, 'en', 140
    from generate_series(1, ${N}) g`);
  await db.execute(sql`
    insert into items (batch_id, project_id, document_id, target_k, status)
    select (select id from batches where project_id = ${project.id}), ${project.id}, d.id, 3, 'complete' from documents d where d.project_id = ${project.id}`);
  await db.execute(sql`
    insert into aggregates (item_id, project_id, method, score, low, high, confidence, n_judgments)
    select i.id, ${project.id}, 'ordinal', (i.id % 6)::float8, (i.id % 6)::float8 - 0.4, (i.id % 6)::float8 + 0.4, 0.8, 3 from items i where i.project_id = ${project.id}`);
  await db.execute(sql`analyze`);
  const ctx = { config: loadConfig({}), store, events: new DomainEvents() };

  const results: { name: string; seconds: number; bytes: number; rss: number }[] = [];
  for (const options of optionSets) {
    const sink = countingSink();
    const t = performance.now();
    const facts = await exportSet(ctx, { project, options, out: sink.stream });
    if (facts.rows !== N) throw new Error(`exported ${facts.rows} rows, expected ${N}`);
    results.push({ name: `curate export ${options.format}`, seconds: (performance.now() - t) / 1000, bytes: sink.bytes, rss: peakRssMb() });
  }

  // Baseline: COPY of the same rows (same joins, same columns) as CSV straight out of PostgreSQL.
  const client = new pg.Client({ connectionString: benchUrl });
  await client.connect();
  const sink = countingSink();
  const t = performance.now();
  await pipeline(
    client.query(
      copyTo(`copy (select d.external_id as id, i.id as item_id, d.text, d.source, d.lang, d.token_estimate, d.meta, ag.label, ag.score, ag.low, ag.high,
              ag.confidence, ag.n_judgments, ag.method, i.is_gold
            from items i join documents d on d.id = i.document_id join aggregates ag on ag.item_id = i.id
            where i.project_id = ${project.id} order by i.id) to stdout (format csv, header)`),
    ),
    sink.stream,
  );
  const copySeconds = (performance.now() - t) / 1000;
  await client.end();

  console.log(`items: ${N}`);
  for (const r of results) {
    console.log(
      `${r.name.padEnd(24)} ${r.seconds.toFixed(2)} s  ${(N / r.seconds).toFixed(0)} rows/s  ${(r.bytes / 1e6).toFixed(0)} MB  ratio vs COPY ${(copySeconds / r.seconds).toFixed(2)}  peak RSS so far ${r.rss.toFixed(0)} MB`,
    );
  }
  console.log(
    `${'PostgreSQL COPY TO (csv)'.padEnd(24)} ${copySeconds.toFixed(2)} s  ${(N / copySeconds).toFixed(0)} rows/s  ${(sink.bytes / 1e6).toFixed(0)} MB`,
  );
});

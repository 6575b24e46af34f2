/**
 * Parquet and Hugging Face exports read by an independent reader (DuckDB): each column has its Parquet type (JSON
 * values as the JSON logical type, counts as INT64), JSON paths reach into metadata, and every row reads back equal
 * to the JSONL export of the same items.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { sql } from 'drizzle-orm';
import type request from 'supertest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { rowsOf } from '../../server/db/store.ts';
import { buildBatch, buildDocuments, buildTokenClient, labelAll } from '../support/factories.ts';

let t: TestApp;
let admin: Awaited<ReturnType<typeof buildTokenClient>>;
let duck: DuckDBConnection;
let dir: string;
const projects: Record<'quality' | 'synthetic' | 'pairwise', number> = { quality: 0, synthetic: 0, pairwise: 0 };

const urlOf = (i: number) => `https://example.org/page/${i}?q=a%20b`;
/** Nested metadata, as Dolma and FineWeb ship it. */
const metaOf = (i: number) => ({ url: urlOf(i), metadata: { source: 'common-crawl', year: 2020 + i, tags: ['web', `t${i}`] } });

beforeAll(async () => {
  t = await startTestApp();
  admin = await buildTokenClient(t, 'admin');
  dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'curate-parquet-test-'));
  duck = await (await DuckDBInstance.create(':memory:')).connect();
  const [x, y] = await Promise.all([buildTokenClient(t), buildTokenClient(t)]);

  const quality = await t.buildProject({
    taskType: 'quality-rating',
    config: { keepDrop: true, aspects: [{ key: 'coherence', label: 'Coherence', scale: { min: 1, max: 5 } }] },
  });
  projects.quality = quality.id;
  await buildDocuments(
    t,
    quality.id,
    Array.from({ length: 8 }, (_, i) => ({ id: `doc-${i}`, text: `Quality text ${i}`, ...metaOf(i) })),
  );
  await buildBatch(t, quality.id, { redundancy: 2 });
  await labelAll(x, quality.id, (i) => ({ score: i % 6, aspects: { coherence: 1 + (i % 5) }, keep: i % 2 === 0 }));
  await labelAll(y, quality.id, (i) => ({ score: (i + 1) % 6, aspects: { coherence: 1 + (i % 5) }, keep: true }));
  // An adjudicated item's label is the reviewer's whole answer: an object.
  const [item] = await rowsOf<{ id: number }>(t.ctx.store.db, sql`select id from items where project_id = ${quality.id} order by id limit 1`);
  await admin.post(`/api/items/${item.id}/adjudicate`, { answer: { score: 4, keep: false } }).expect(200);

  const synthetic = await t.buildProject({ taskType: 'synthetic-review' });
  projects.synthetic = synthetic.id;
  await buildDocuments(
    t,
    synthetic.id,
    Array.from({ length: 4 }, (_, i) => ({ id: `doc-${i}`, text: `Response ${i}: water boils at 90 C.`, prompt: `Question ${i}`, ...metaOf(i) })),
  );
  await buildBatch(t, synthetic.id, { redundancy: 2 });
  await labelAll(x, synthetic.id, () => ({ decision: 'accept', tags: [] }));
  await labelAll(y, synthetic.id, (i) =>
    i % 2 === 0
      ? { decision: 'needs-edit', tags: ['factual'], correctedText: `Response ${i}: water boils at 100 C.` }
      : { decision: 'reject', tags: ['factual', 'low-value'] },
  );

  const pairwise = await t.buildProject({ taskType: 'pairwise-preference' });
  projects.pairwise = pairwise.id;
  await buildDocuments(
    t,
    pairwise.id,
    Array.from({ length: 4 }, (_, i) => ({
      id: `doc-${i}`,
      text: `Prompt ${i}`,
      prompt: `Prompt ${i}`,
      response_a: `A ${i}`,
      response_b: `B ${i}`,
      ...metaOf(i),
    })),
  );
  const batch = await buildBatch(t, pairwise.id, { redundancy: 2 });
  // Unswapped slots: the left response is A, so each choice below is what the annotator clicked.
  await t.ctx.store.db.execute(sql`update slots set swapped = false where batch_id = ${batch.batch.id}`);
  await labelAll(x, pairwise.id, () => ({ screenChoice: 'left', choice: 'A' }));
  await labelAll(y, pairwise.id, (i) => (i % 2 === 0 ? { screenChoice: 'right', choice: 'B' } : { screenChoice: 'tie', choice: 'tie' }));

  for (const id of Object.values(projects)) await admin.post(`/api/projects/${id}/aggregate`).expect(200);
});

afterAll(async () => {
  duck?.closeSync();
  await fs.promises.rm(dir, { recursive: true, force: true });
  await t?.close();
});

const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

const QUERY = 'minConfidence=0&includeJudgments=true';

async function exportFile(projectId: number, format: 'parquet' | 'hf', query: string): Promise<string> {
  const res = await admin.get(`/api/projects/${projectId}/export?format=${format}&${query}`).buffer(true).parse(binary).expect(200);
  const file = path.join(dir, `${projectId}-${format}-${Math.random().toString(36).slice(2)}.${format === 'hf' ? 'tar' : 'parquet'}`);
  await fs.promises.writeFile(file, res.body as Buffer);
  return file;
}

async function jsonlRows(projectId: number, query: string): Promise<Record<string, unknown>[]> {
  const res = await admin.get(`/api/projects/${projectId}/export?format=jsonl&${query}`).expect(200);
  return (res.text as string)
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function duckRows(query: string): Promise<Record<string, unknown>[]> {
  return (await duck.runAndReadAll(query)).getRowObjectsJS() as Record<string, unknown>[];
}

/** Column name to DuckDB type, as DESCRIBE reports it. */
async function columnTypes(source: string): Promise<Record<string, string>> {
  const rows = await duckRows(`describe select * from ${source}`);
  return Object.fromEntries(rows.map((r) => [r.column_name as string, r.column_type as string]));
}

/** The file's rows as plain values, each read by the type DuckDB gives its column: JSON parsed, BIGINT a number. */
async function readBack(source: string): Promise<Record<string, unknown>[]> {
  const types = await columnTypes(source);
  const plain = (name: string, value: unknown) => {
    if (value === null) return null;
    if (types[name] === 'JSON') return JSON.parse(value as string) as unknown;
    if (types[name] === 'BIGINT') return Number(value as bigint);
    return value;
  };
  const rows = await duckRows(`select * from ${source} order by item_id`);
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plain(k, v)])));
}

const parquetAt = (file: string) => `read_parquet('${file}')`;

/** What every export has, before the task type's columns. */
const COMMON_TYPES = {
  id: 'VARCHAR',
  item_id: 'BIGINT',
  text: 'VARCHAR',
  source: 'VARCHAR',
  lang: 'VARCHAR',
  tokens: 'BIGINT',
  meta: 'JSON',
  label: 'JSON',
  score: 'DOUBLE',
  score_low: 'DOUBLE',
  score_high: 'DOUBLE',
  confidence: 'DOUBLE',
  n_judgments: 'BIGINT',
  method: 'VARCHAR',
  is_gold: 'BOOLEAN',
  judgments: 'JSON',
};

describe('Parquet export read by DuckDB', () => {
  it('quality-rating: typed columns, JSON paths into metadata, object labels, and a round trip equal to JSONL', async () => {
    const file = await exportFile(projects.quality, 'parquet', QUERY);
    expect(await columnTypes(parquetAt(file))).toEqual({ ...COMMON_TYPES, score_mean: 'DOUBLE', coherence_mean: 'DOUBLE', keep_fraction: 'DOUBLE' });
    const [{ n }] = await duckRows(`select count(*) as n from ${parquetAt(file)}`);
    expect(n).toBe(8n);

    const urls = await duckRows(`select id, meta->>'url' as url, json_extract_string(meta, '$.metadata.source') as source,
      (meta->'metadata'->>'year')::int as year, json_array_length(judgments) as n from ${parquetAt(file)} order by id`);
    expect(urls).toEqual(Array.from({ length: 8 }, (_, i) => ({ id: `doc-${i}`, url: urlOf(i), source: 'common-crawl', year: 2020 + i, n: 2n })));

    const [adjudicated] = await duckRows(`select label->>'score' as score, (label->>'keep')::boolean as keep, method
      from ${parquetAt(file)} where method = 'adjudicated'`);
    expect(adjudicated).toEqual({ score: '4', keep: false, method: 'adjudicated' });

    const jsonl = await jsonlRows(projects.quality, QUERY);
    expect(jsonl).toHaveLength(8);
    expect(await readBack(parquetAt(file))).toEqual(jsonl);
  });

  it('synthetic-review: vote counts are BIGINT, tag_counts and corrected_texts are JSON', async () => {
    const file = await exportFile(projects.synthetic, 'parquet', QUERY);
    expect(await columnTypes(parquetAt(file))).toEqual({
      ...COMMON_TYPES,
      accept_votes: 'BIGINT',
      reject_votes: 'BIGINT',
      needs_edit_votes: 'BIGINT',
      tag_counts: 'JSON',
      mean_edit_distance: 'DOUBLE',
      corrected_texts: 'JSON',
    });
    const rows = await duckRows(`select id, (tag_counts->>'factual')::int as factual, corrected_texts->>0 as corrected,
      json_array_length(corrected_texts) as edits, meta->>'url' as url from ${parquetAt(file)} order by id`);
    expect(rows).toEqual(
      Array.from({ length: 4 }, (_, i) => ({
        id: `doc-${i}`,
        factual: 1,
        corrected: i % 2 === 0 ? `Response ${i}: water boils at 100 C.` : null,
        edits: i % 2 === 0 ? 1n : 0n,
        url: urlOf(i),
      })),
    );
    expect(await readBack(parquetAt(file))).toEqual(await jsonlRows(projects.synthetic, QUERY));
  });

  it('pairwise-preference: preference counts are BIGINT and the label is JSON', async () => {
    const file = await exportFile(projects.pairwise, 'parquet', QUERY);
    expect(await columnTypes(parquetAt(file))).toEqual({
      ...COMMON_TYPES,
      prefer_a: 'BIGINT',
      prefer_b: 'BIGINT',
      ties: 'BIGINT',
      chose_left: 'BIGINT',
    });
    const [sums] = await duckRows(`select sum(prefer_a) as a, sum(prefer_b) as b, sum(ties) as ties, count(*) as n,
      count(*) filter (where meta->>'url' like 'https://example.org/page/%') as with_url from ${parquetAt(file)}`);
    expect(sums).toEqual({ a: 4n, b: 2n, ties: 2n, n: 4n, with_url: 4n });
    expect(await readBack(parquetAt(file))).toEqual(await jsonlRows(projects.pairwise, QUERY));
  });
});

describe('Hugging Face export read by DuckDB', () => {
  it('holds data/*.parquet split files with the same types, whose rows together equal the JSONL export with its splits', async () => {
    const query = `${QUERY}&split=0.5,0.25,0.25&stratifyBy=source&seed=3`;
    const tarFile = await exportFile(projects.quality, 'hf', query);
    const out = await fs.promises.mkdtemp(path.join(dir, 'hf-'));
    // The system tar, not our reader: the archive must be one any tool unpacks.
    const untar = spawnSync('tar', ['-xf', tarFile, '-C', out], { encoding: 'utf8' });
    expect(untar.stderr).toBe('');
    const files = (await fs.promises.readdir(path.join(out, 'data'))).sort();
    expect(files).toEqual(['test-00000-of-00001.parquet', 'train-00000-of-00001.parquet', 'validation-00000-of-00001.parquet']);

    const all = parquetAt(path.join(out, 'data/*.parquet'));
    for (const name of files) {
      expect(await columnTypes(parquetAt(path.join(out, 'data', name)))).toEqual({
        ...COMMON_TYPES,
        split: 'VARCHAR',
        score_mean: 'DOUBLE',
        coherence_mean: 'DOUBLE',
        keep_fraction: 'DOUBLE',
      });
    }
    const perFile = await duckRows(`select regexp_extract(filename, '([a-z]+)-00000', 1) as file, split, count(*) as n
      from read_parquet('${path.join(out, 'data/*.parquet')}', filename = true) group by all order by file`);
    expect(perFile.map((r) => r.file)).toEqual(perFile.map((r) => r.split));
    expect(perFile.reduce((sum, r) => sum + Number(r.n as bigint), 0)).toBe(8);
    const [{ url }] = await duckRows(`select meta->>'url' as url from ${all} where id = 'doc-3'`);
    expect(url).toBe(urlOf(3));

    expect(await readBack(all)).toEqual(await jsonlRows(projects.quality, query));
  });
});

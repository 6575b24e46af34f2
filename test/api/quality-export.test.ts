import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type request from 'supertest';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { buildBatch, buildDocuments, buildTokenClient, joinProject, labelAll } from '../support/factories.ts';
import { rowsOf } from '../../server/db/store.ts';
import { extractTar } from '../../server/export/tar-writer.ts';
import { exportOptionsSchema } from '../../server/export/export-options.ts';
import { estimateExportRows } from '../../server/db/queries/export.ts';

let t: TestApp;
let projectId: number;
let admin: Awaited<ReturnType<typeof buildTokenClient>>;
const sources = ['wiki', 'forum', 'code'];

/** Scores the three annotators give document i: agreeing on most, one annotator always one point high. */
const scoreOf = (i: number, annotator: number) => Math.min(5, (i % 6) + (annotator === 2 ? 1 : 0));

beforeAll(async () => {
  t = await startTestApp();
  const project = await t.buildProject({ name: 'quality-export' });
  projectId = project.id;
  admin = await buildTokenClient(t, 'admin');
  await buildDocuments(
    t,
    projectId,
    Array.from({ length: 18 }, (_, i) => ({
      id: `doc-${i}`,
      text: `Document ${i}: ${'text, with "quotes"\nand lines '.repeat(3)}${randomUUID()}`,
      source: sources[i % 3],
    })),
  );
  await admin.put(`/api/projects/${projectId}/gold`, { answers: [{ externalId: 'doc-0', answer: { score: 0 } }] }).expect(200);
  // doc-0 has a gold answer, so it joins as the batch's gold item (gold documents are not sampled as ordinary ones).
  await buildBatch(t, projectId, { redundancy: 3, goldRate: 0.1 });
  const annotators = await Promise.all([0, 1, 2].map(() => buildTokenClient(t)));
  for (const [a, client] of annotators.entries()) await labelAll(client, projectId, (i) => ({ score: scoreOf(i, a) }));
});

afterAll(() => t.close());

describe('aggregation in the product', () => {
  it('aggregates on demand into scores with intervals, corrects the biased annotator, and records reliability', async () => {
    const res = await admin.post(`/api/projects/${projectId}/aggregate`).expect(200);
    expect(res.body.items).toBe(18);
    expect(res.body.agreement).toMatchObject({ judgments: 54, items: 18, workers: 3 });
    const rows = await rowsOf<{
      external_id: string;
      score: number;
      low: number;
      high: number;
      confidence: number;
      n_judgments: number;
      method: string;
    }>(
      t.ctx.store.db,
      sql`select d.external_id, ag.score, ag.low, ag.high, ag.confidence, ag.n_judgments, ag.method from aggregates ag
          join items i on i.id = ag.item_id join documents d on d.id = i.document_id where ag.project_id = ${projectId}`,
    );
    expect(rows).toHaveLength(18);
    for (const r of rows) {
      const i = Number(r.external_id.slice(4));
      expect(r).toMatchObject({ n_judgments: 3, method: 'ordinal-bias' });
      expect(r.low).toBeLessThanOrEqual(r.score);
      expect(r.high).toBeGreaterThanOrEqual(r.score);
      expect(Math.abs(r.score - (i % 6))).toBeLessThan(0.75);
    }
    const quality = await admin.get(`/api/projects/${projectId}/quality`).expect(200);
    expect(quality.body.annotators).toHaveLength(3);
    expect(quality.body.annotators[0]).toMatchObject({ judgments: 18, name: expect.stringContaining('@') });
    expect(quality.body.quality.agreement.alphaOrdinal).toBeGreaterThan(0.5);
    expect(quality.body.histogram.map((h: { source: string }) => h.source)).toEqual(expect.arrayContaining(sources));
    expect(quality.body.agreementNotes.alphaOrdinal).toMatch(/order/);
    expect(quality.body.quality.agreementByBatch).toEqual([
      { batchId: expect.any(Number), name: 'batch', agreement: expect.objectContaining({ judgments: 54, items: 18, workers: 3 }) },
    ]);
    expect(quality.body.quality.agreementByAspect).toEqual([]);
    expect(quality.body.quality.edits).toBeNull();
  });

  it('reports agreement per batch and per rated aspect', async () => {
    const config = { aspects: [{ key: 'coherence', label: 'Coherence', scale: { min: 1, max: 5 } }] };
    const project = await t.buildProject({ config });
    await buildDocuments(
      t,
      project.id,
      Array.from({ length: 8 }, (_, i) => ({ id: `doc-${i}`, text: `aspect document ${i} ${randomUUID()}` })),
    );
    await buildBatch(t, project.id, { name: 'first', size: 4, redundancy: 2 });
    await buildBatch(t, project.id, { name: 'second', size: 4, redundancy: 2 });
    const [x, y] = await Promise.all([buildTokenClient(t), buildTokenClient(t)]);
    // Both annotators agree on the coherence of every document; on the score only for doc-0..3.
    await labelAll(x, project.id, (i) => ({ score: i % 6, aspects: { coherence: 1 + (i % 5) } }));
    await labelAll(y, project.id, (i) => ({ score: i < 4 ? i % 6 : 5 - (i % 6), aspects: { coherence: 1 + (i % 5) } }));
    await admin.post(`/api/projects/${project.id}/aggregate`).expect(200);
    const { body } = await admin.get(`/api/projects/${project.id}/quality`).expect(200);
    const byBatch = body.quality.agreementByBatch as { name: string; agreement: { judgments: number; percentAgreement: number } }[];
    expect(byBatch.map((b) => [b.name, b.agreement.judgments])).toEqual([
      ['first', 8],
      ['second', 8],
    ]);
    // Each batch sampled 4 of the 8 documents; whichever they were, the two batches together hold all 16 judgments.
    expect(body.quality.agreement.judgments).toBe(16);
    expect(body.quality.agreementByAspect).toEqual([
      {
        key: 'coherence',
        label: 'Coherence',
        agreement: expect.objectContaining({ judgments: 16, items: 8, percentAgreement: 1, alphaInterval: 1 }),
      },
    ]);
  });

  it('summarises synthetic-data reviews: accept rate, error tags and the edit distance of corrections', async () => {
    const project = await t.buildProject({ taskType: 'synthetic-review' });
    await buildDocuments(
      t,
      project.id,
      Array.from({ length: 4 }, (_, i) => ({ id: `doc-${i}`, text: `Response ${i}: water boils at 90 C.`, prompt: `Question ${i}` })),
    );
    await buildBatch(t, project.id, { redundancy: 2 });
    const [x, y] = await Promise.all([buildTokenClient(t), buildTokenClient(t)]);
    await labelAll(x, project.id, () => ({ decision: 'accept', tags: [] }));
    await labelAll(y, project.id, (i) =>
      i % 2 === 0
        ? { decision: 'needs-edit', tags: ['factual'], correctedText: `Response ${i}: water boils at 100 C.` }
        : { decision: 'reject', tags: ['factual', 'low-value'] },
    );
    await admin.post(`/api/projects/${project.id}/aggregate`).expect(200);
    const { body } = await admin.get(`/api/projects/${project.id}/quality`).expect(200);
    expect(body.quality.edits).toEqual({
      reviews: 8,
      acceptRate: 0.5,
      correctedRate: 0.25,
      errorTags: [
        { tag: 'factual', count: 4, share: 0.5 },
        { tag: 'low-value', count: 2, share: 0.25 },
      ],
      // "90" → "100": one substitution and one insertion.
      editDistance: { mean: 2, median: 2, p90: 2 },
    });
  });

  it('runs two on-demand aggregations at once: the second waits for the first instead of refusing', async () => {
    const [a, b] = await Promise.all([admin.post(`/api/projects/${projectId}/aggregate`), admin.post(`/api/projects/${projectId}/aggregate`)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.body.items).toBe(18);
  });

  it('re-aggregates by itself after new judgments (debounced), and sends low-confidence items to review', async () => {
    const project = await t.buildProject();
    await buildDocuments(t, project.id, [{ id: 'a', text: `contested ${randomUUID()}` }]);
    await buildBatch(t, project.id, { redundancy: 2 });
    const [x, y] = await Promise.all([buildTokenClient(t), buildTokenClient(t)]);
    for (const [client, score] of [
      [x, 0],
      [y, 5],
    ] as const) {
      const { body } = await client.post(`/api/projects/${project.id}/tasks/lease`, { count: 1 }).expect(200);
      await client
        .post(`/api/projects/${project.id}/judgments`, { clientId: randomUUID(), slotId: body.tasks[0].slotId, value: { score } })
        .expect(201);
    }
    await expect
      .poll(
        async () =>
          (await rowsOf<{ n: number }>(t.ctx.store.db, sql`select count(*)::int as n from aggregates where project_id = ${project.id}`))[0].n,
        { timeout: 15_000 },
      )
      .toBe(1);
    const reviewer = await buildTokenClient(t, 'reviewer');
    await joinProject(t, project.id, reviewer.user, 'reviewer');
    const queue = await reviewer.get(`/api/projects/${project.id}/review`).expect(200);
    expect(queue.body.items).toHaveLength(1);
  });

  it('opens extra slots for low-confidence items when adaptive redundancy is on, up to the maximum k', async () => {
    const project = await t.buildProject();
    await buildDocuments(t, project.id, [{ id: 'a', text: `contested ${randomUUID()}` }]);
    const patch = await fetch(`${t.url}/api/projects/${project.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: await tokenHeader() },
      body: JSON.stringify({ settings: { aggregation: { adaptiveRedundancy: true, maxRedundancy: 4, reviewBelowConfidence: 0.9 } } }),
    });
    expect(patch.status).toBe(200);
    await buildBatch(t, project.id, { redundancy: 2 });
    const [x, y, z] = await Promise.all([buildTokenClient(t), buildTokenClient(t), buildTokenClient(t)]);
    for (const [client, score] of [
      [x, 0],
      [y, 5],
    ] as const) {
      const { body } = await client.post(`/api/projects/${project.id}/tasks/lease`, { count: 1 }).expect(200);
      await client
        .post(`/api/projects/${project.id}/judgments`, { clientId: randomUUID(), slotId: body.tasks[0].slotId, value: { score } })
        .expect(201);
    }
    await admin.post(`/api/projects/${project.id}/aggregate`).expect(200);
    const [item] = await rowsOf<{ target_k: number; status: string; slots: number }>(
      t.ctx.store.db,
      sql`select target_k, status, (select count(*)::int from slots s where s.item_id = i.id) as slots from items i where project_id = ${project.id}`,
    );
    expect(item).toMatchObject({ target_k: 4, status: 'open', slots: 4 });
    const { body } = await z.post(`/api/projects/${project.id}/tasks/lease`, { count: 1 }).expect(200);
    expect(body.tasks).toHaveLength(1);
  });
});

async function tokenHeader() {
  const { createApiToken } = await import('../../server/commands/api-tokens.ts');
  const { secret } = await createApiToken(t.ctx, { userId: t.admin.id, name: 'patch' });
  return `Bearer ${secret}`;
}

describe('export', () => {
  it('streams JSONL with ids, text, metadata, results and task columns, and re-imports to the same items', async () => {
    await admin.post(`/api/projects/${projectId}/aggregate`).expect(200);
    const res = await admin.get(`/api/projects/${projectId}/export?format=jsonl&includeJudgments=true`).expect(200);
    expect(res.headers['content-type']).toMatch(/ndjson/);
    const rows = (res.text as string)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows).toHaveLength(18);
    expect(rows[0]).toMatchObject({
      id: expect.stringMatching(/^doc-/),
      source: expect.any(String),
      method: 'ordinal-bias',
      n_judgments: 3,
      score_mean: expect.any(Number),
    });
    expect(rows[0].judgments).toHaveLength(3);
    expect(rows[0].judgments[0]).toMatchObject({ annotator: expect.stringMatching(/^[0-9a-f]{12}$/), time_spent_ms: 4000 });
    expect(JSON.stringify(rows)).not.toMatch(/"u:\d+"/);
    const gold = rows.find((r) => r.id === 'doc-0');
    expect(gold.is_gold).toBe(true);

    // Round trip: the export imports into a new project as the same documents.
    const copy = await t.buildProject();
    const { importCorpus } = await import('../../server/commands/import-corpus.ts');
    const summary = await importCorpus(t.ctx, {
      projectId: copy.id,
      userId: t.admin.id,
      options: { filename: 'export.jsonl', textField: 'text', idField: 'id', maxErrors: 0 },
      input: Readable.from([Buffer.from(res.text)]),
      maxDocumentBytes: 1e6,
    });
    expect(summary.imported).toBe(18);
    const original = await rowsOf<{ external_id: string; text: string }>(
      t.ctx.store.db,
      sql`select external_id, text from documents where project_id = ${projectId} order by external_id`,
    );
    const copied = await rowsOf<{ external_id: string; text: string }>(
      t.ctx.store.db,
      sql`select external_id, text from documents where project_id = ${copy.id} order by external_id`,
    );
    expect(copied).toEqual(original);
  });

  it('writes CSV with quoted multi-line text, and leaves text out when asked', async () => {
    const res = await admin.get(`/api/projects/${projectId}/export?format=csv`).expect(200);
    const header = (res.text as string).split('\n')[0];
    expect(header.split(',').slice(0, 4)).toEqual(['id', 'item_id', 'text', 'source']);
    expect(res.text).toContain('"Document');
    const noText = await admin.get(`/api/projects/${projectId}/export?format=csv&includeText=false`).expect(200);
    expect((noText.text as string).split('\n')[0]).not.toContain(',text,');
  });

  it('writes Parquet that reads back', async () => {
    const res = await admin.get(`/api/projects/${projectId}/export?format=parquet`).buffer(true).parse(binary).expect(200);
    const file = path.join(os.tmpdir(), `curate-${randomUUID()}.parquet`);
    await fs.promises.writeFile(file, res.body as Buffer);
    const rows = await parquetReadObjects({ file: await asyncBufferFromFile(file) });
    await fs.promises.rm(file);
    expect(rows).toHaveLength(18);
    // Counts are INT64 (bigint in hyparquet) and metadata is JSON, so it reads back as an object rather than a string.
    expect(rows[0]).toMatchObject({ id: expect.stringMatching(/^doc-/), n_judgments: 3n, meta: { source: expect.any(String) } });
  });

  it('writes a Hugging Face layout: seeded stratified splits in data/*.parquet and a dataset card', async () => {
    const get = () =>
      admin.get(`/api/projects/${projectId}/export?format=hf&split=0.6,0.2,0.2&stratifyBy=source&seed=7`).buffer(true).parse(binary).expect(200);
    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'curate-hf-'));
    const names = await extractTar(Readable.from([(await get()).body as Buffer]), dir);
    expect(names.sort()).toEqual([
      'README.md',
      'data/test-00000-of-00001.parquet',
      'data/train-00000-of-00001.parquet',
      'data/validation-00000-of-00001.parquet',
    ]);
    const card = await fs.promises.readFile(path.join(dir, 'README.md'), 'utf8');
    expect(card).toMatch(/^---\nconfigs:/);
    expect(card).toContain('path: data/train-00000-of-00001.parquet');
    expect(card).toMatch(/\| rows \| 18 \|/);
    expect(card).toMatch(/\| annotators \| 3 \|/);
    const train = await parquetReadObjects({ file: await asyncBufferFromFile(path.join(dir, 'data/train-00000-of-00001.parquet')) });
    // 6 per source; a 0.6/0.2/0.2 split within each source gives 3 / 1 / 2.
    for (const s of sources) expect(train.filter((r) => r.source === s)).toHaveLength(3);
    expect(card).toMatch(/\| split: train \| 9 \|/);
    expect(card).toMatch(/\| split: validation \| 3 \|/);
    expect(card).toMatch(/\| split: test \| 6 \|/);
    const againDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'curate-hf-'));
    await extractTar(Readable.from([(await get()).body as Buffer]), againDir);
    const trainAgain = await parquetReadObjects({ file: await asyncBufferFromFile(path.join(againDir, 'data/train-00000-of-00001.parquet')) });
    expect(trainAgain.map((r) => r.id)).toEqual(train.map((r) => r.id));
    await fs.promises.rm(againDir, { recursive: true, force: true });
    await fs.promises.rm(dir, { recursive: true, force: true });
  });

  it('filters by confidence and refuses bad options', async () => {
    const all = await admin.get(`/api/projects/${projectId}/export?format=jsonl&minConfidence=0`).expect(200);
    const none = await admin.get(`/api/projects/${projectId}/export?format=jsonl&minConfidence=1`).expect(200);
    expect((all.text as string).trim().split('\n')).toHaveLength(18);
    expect((none.text as string).trim()).toBe('');
    const bad = await admin.get(`/api/projects/${projectId}/export?format=xml`).expect(400);
    expect(bad.body.error.message).toMatch(/format/);
    await admin.get(`/api/projects/${projectId}/export?split=0.5,0.5,0.5`).expect(400);
    const annotator = await buildTokenClient(t);
    await annotator.get(`/api/projects/${projectId}/export`).expect(403);
  });

  it('counts the rows an export would write, with the same filters and the same refusals', async () => {
    expect((await admin.get(`/api/projects/${projectId}/export/count?minConfidence=0`).expect(200)).body).toEqual({ rows: 18, estimated: false });
    expect((await admin.get(`/api/projects/${projectId}/export/count?minConfidence=1`).expect(200)).body).toEqual({ rows: 0, estimated: false });
    const bad = await admin.get(`/api/projects/${projectId}/export/count?format=xml`).expect(400);
    expect(bad.body.error.message).toMatch(/format/);
    await admin.get('/api/projects/999999/export/count').expect(404);
    await (await buildTokenClient(t)).get(`/api/projects/${projectId}/export/count`).expect(403);
  });

  it('says "about" past the exact bound: the planner estimate then, never below the bound', async () => {
    const o = exportOptionsSchema.parse({ minConfidence: 0 });
    expect(await estimateExportRows(t.ctx.store.db, projectId, o, 18)).toEqual({ rows: 18, estimated: false });
    const past = await estimateExportRows(t.ctx.store.db, projectId, o, 5);
    expect(past.estimated).toBe(true);
    expect(past.rows).toBeGreaterThan(5);
  });
});

describe('filter decisions', () => {
  it('reports kept share per source, tokens and the token budget; lists keep and drop ids', async () => {
    const res = await admin.get(`/api/projects/${projectId}/filter?threshold=2.5&parameters=1000000000`).expect(200);
    expect(res.body.report).toMatchObject({ items: 18, kept: 9, keptShare: 0.5 });
    expect(res.body.report.bySource).toHaveLength(3);
    expect(res.body.curve).toHaveLength(11);
    expect(res.body.budget.tokensNeeded).toBe(2e10);
    expect(res.body.budget.rawTokensToCollect).toBeCloseTo(2e10 / res.body.report.keptTokenShare);
    expect(res.body.report.reference.items).toBe(1);
    const keep = await admin.get(`/api/projects/${projectId}/filter/ids?threshold=2.5&decision=keep`).expect(200);
    const drop = await admin.get(`/api/projects/${projectId}/filter/ids?threshold=2.5&decision=drop`).expect(200);
    const kept = (keep.text as string).trim().split('\n');
    const dropped = (drop.text as string).trim().split('\n');
    expect(kept).toHaveLength(9);
    expect(dropped).toHaveLength(9);
    expect(new Set([...kept, ...dropped]).size).toBe(18);
    expect(dropped).toContain('doc-0');
  });
});

/** A supertest parser that keeps a binary body as a Buffer. */
function binary(res: request.Response, done: (error: Error | null, body: Buffer) => void) {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}

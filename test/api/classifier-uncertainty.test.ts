/**
 * Uncertainty sampling through the API, on whichever store the run uses (PGlite, or PostgreSQL with DATABASE_URL):
 * refused before any classifier has scored the corpus; once scored, the batch holds the documents the classifier is
 * least sure of, spread over sources in proportion to their candidates, none of them labeled or waiting in an open
 * batch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { buildBatch, buildDocuments, buildTokenClient, labelAll } from '../support/factories.ts';
import { runCli } from '../support/run-cli.ts';
import { rowsOf } from '../../server/db/store.ts';

let t: TestApp;
let projectId: number;
let admin: Awaited<ReturnType<typeof buildTokenClient>>;
const DOCUMENTS = 360;
const LABELED = 120;
/** Uneven sources, so a proportional spread is told apart from an equal one. */
const sourceOf = (i: number) => (i % 6 < 3 ? 'web' : i % 6 < 5 ? 'wiki' : 'forum');
const good = 'the lecture derives the equations of motion step by step';
const bad = 'click here for cheap deals and free spins';
/** Even documents educational, odd ones spam; every tenth mixes both, which the classifier cannot be sure of. */
const textOf = (i: number) => (i % 10 === 5 ? `${good} ${bad}` : i % 2 === 0 ? good : bad) + ` number ${i}`;
const training = { bucket: 4096, dim: 8, epoch: 15, lr: 0.5, minCount: 1, seed: 5 };

async function settled(runId: number, phase: 'status' | 'scoreStatus') {
  for (;;) {
    const { body } = await admin.get(`/api/projects/${projectId}/classifier/runs/${runId}`).expect(200);
    if (body.run[phase] !== 'running') return body.run;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const uncertaintyBatch = (size: number, extra: Record<string, unknown> = {}) =>
  admin.post(`/api/projects/${projectId}/batches`, { name: 'round', size, sampling: { strategy: 'uncertainty' }, ...extra });

beforeAll(async () => {
  t = await startTestApp();
  projectId = (await t.buildProject({ name: 'uncertainty' })).id;
  admin = await buildTokenClient(t, 'admin');
  await buildDocuments(
    t,
    projectId,
    Array.from({ length: DOCUMENTS }, (_, i) => ({ id: `doc-${i}`, text: textOf(i), source: sourceOf(i) })),
  );
  await buildBatch(t, projectId, { size: LABELED, redundancy: 1 });
  const annotator = await buildTokenClient(t);
  await labelAll(annotator, projectId, (i) => ({ score: i % 10 === 5 ? 2 : i % 2 === 0 ? 4 : 1 }));
  await admin.post(`/api/projects/${projectId}/aggregate`).expect(200);
});

afterAll(() => t.close());

describe('uncertainty sampling', () => {
  it('is refused with 409 before any classifier has scored the corpus, trained or not', async () => {
    let res = await uncertaintyBatch(20).expect(409);
    expect(res.body.error.message).toMatch(/No classifier has scored this project/);
    const { body } = await admin.post(`/api/projects/${projectId}/classifier/runs`, training).expect(202);
    expect((await settled(body.run.id, 'status')).status).toBe('succeeded');
    res = await uncertaintyBatch(20).expect(409);
    expect(res.body.error.message).toMatch(/score the corpus/);
    await admin.post(`/api/projects/${projectId}/classifier/runs/${body.run.id}/score`).expect(202);
    expect((await settled(body.run.id, 'scoreStatus')).scoreStatus).toBe('succeeded');
  });

  it('refuses an unknown measure with 400', async () => {
    await admin
      .post(`/api/projects/${projectId}/batches`, { name: 'x', size: 5, sampling: { strategy: 'uncertainty', measure: 'vibes' } })
      .expect(400);
  });

  it('draws the least certain documents, spread over sources in proportion, never labeled or in an open batch', async () => {
    // 30 unlabeled documents wait in an open batch: even with excludeUsed off they are not drawn again.
    const waiting = await buildBatch(t, projectId, { name: 'waiting', size: 30, redundancy: 1, seed: 3 });
    const res = await uncertaintyBatch(48, { excludeUsed: false, seed: 1 }).expect(201);
    expect(res.body.items).toBe(48);
    expect(res.body.batch.sampling).toMatchObject({ strategy: 'uncertainty', measure: 'margin', field: 'source', runId: expect.any(Number) });

    const db = t.ctx.store.db;
    // Every candidate's margin, computed here in SQL apart from the sampler's code.
    const candidates = await rowsOf<{ id: number; source: string; u: number; picked: boolean }>(
      db,
      sql`select d.id::int as id, d.source, 1 - (p[1] - p[2]) as u,
                 exists (select 1 from items i where i.document_id = d.id and i.batch_id = ${res.body.batch.id}) as picked
          from documents d join document_scores s on s.document_id = d.id,
               lateral (select array_agg(x order by x desc) as p from unnest(s.probabilities) x) sorted(p)
          where d.project_id = ${projectId}
            and not exists (select 1 from items i where i.document_id = d.id and i.batch_id <> ${res.body.batch.id})`,
    );
    expect(candidates).toHaveLength(DOCUMENTS - LABELED - waiting.items);
    const picked = candidates.filter((c) => c.picked);
    expect(picked).toHaveLength(48);

    // Spread: each source's share of the batch is its share of the candidates, to within rounding.
    for (const source of ['web', 'wiki', 'forum']) {
      const pool = candidates.filter((c) => c.source === source);
      const mine = pool.filter((c) => c.picked);
      expect(Math.abs(mine.length - (48 * pool.length) / candidates.length)).toBeLessThanOrEqual(1);
      expect(res.body.byStratum[source]).toBe(mine.length);
      // Within a source, nothing left out is less certain than what was drawn.
      const left = pool.filter((c) => !c.picked).map((c) => Number(c.u));
      expect(Math.min(...mine.map((c) => Number(c.u)))).toBeGreaterThanOrEqual(Math.max(...left) - 1e-6);
    }
    // The mixed documents are the ones the classifier hesitates over: the batch holds them, where random would hold a tenth.
    const [mixed] = await rowsOf<{ n: number; all: number }>(
      db,
      sql`select count(*) filter (where (substring(d.external_id from 5)::int) % 10 = 5)::int as n, count(*)::int as all
          from items i join documents d on d.id = i.document_id where i.batch_id = ${res.body.batch.id}`,
    );
    expect(mixed.all).toBe(48);
    expect(mixed.n).toBeGreaterThan((48 / 10) * 3);
  });

  it('runs a round from the API: retrains on the labels, scores the corpus with the new run, draws its batch', async () => {
    const before = (await admin.get(`/api/projects/${projectId}/classifier/runs`).expect(200)).body.runs.length;
    // Watchers hear the outcome: it is written after the run's last classifier:done, which they re-read on.
    const announced: string[] = [];
    const unsubscribe = t.ctx.events.subscribe((e) => {
      if (e.name === 'classifier:round' && e.payload.projectId === projectId) announced.push(e.payload.message);
    });
    try {
      const { body } = await admin.post(`/api/projects/${projectId}/classifier/rounds`, { training, batch: { size: 12, redundancy: 1 } }).expect(202);
      const runId = body.run.id;
      const readRun = async () => (await admin.get(`/api/projects/${projectId}/classifier/runs/${runId}`).expect(200)).body.run;
      // A round that fails says so in its message, which this then shows.
      await expect.poll(async () => (await readRun()).message, { timeout: 60_000 }).toMatch(/^round: /);
      const run = await readRun();
      expect(run).toMatchObject({ status: 'succeeded', scoreStatus: 'succeeded', scored: DOCUMENTS });
      const batchId = Number(/^round: batch (\d+) \(12 documents\)$/.exec(run.message)![1]);
      const runs = (await admin.get(`/api/projects/${projectId}/classifier/runs`).expect(200)).body;
      expect(runs.runs).toHaveLength(before + 1);
      expect(runs.scoringRunId).toBe(runId);
      const { batches } = (await admin.get(`/api/projects/${projectId}/batches`).expect(200)).body;
      const batch = batches.find((b: { id: number }) => b.id === batchId);
      expect(batch).toMatchObject({ status: 'draft', sampling: { strategy: 'uncertainty', runId, size: 12 } });
      expect(batch.progress.items).toBe(12);
      await expect.poll(() => announced).toEqual([run.message]);
    } finally {
      unsubscribe();
    }
  });

  it('refuses a round with a bad batch size before training', async () => {
    await admin.post(`/api/projects/${projectId}/classifier/rounds`, { batch: { size: 0 } }).expect(400);
  });

  it('runs a round from the CLI: curate classifier loop --project NAME --batch-size N', async () => {
    const help = await runCli(t, ['classifier', 'loop', '--project', 'uncertainty', '--help']);
    expect(help.stdout).toMatch(/classifier loop --project NAME --batch-size N/);
    const res = await runCli(t, ['classifier', 'loop', '--project', 'uncertainty', '--batch-size', '10', '--redundancy', '1', '--open']);
    expect(res.stderr + res.stdout).not.toMatch(/error/i);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^run \d+: trained on \d+ documents, held-out Spearman/m);
    const batchId = Number(/batch (\d+) \(10 documents\), open/.exec(res.stdout)![1]);
    const { batches } = (await admin.get(`/api/projects/${projectId}/batches`).expect(200)).body;
    expect(batches.find((b: { id: number }) => b.id === batchId)).toMatchObject({ status: 'open', sampling: { strategy: 'uncertainty' } });
    const cli = await runCli(t, ['batches', 'create', '--project', 'uncertainty', '--name', 'by cli', '--size', '5', '--strategy', 'uncertainty']);
    expect(cli.code).toBe(0);
  });
});

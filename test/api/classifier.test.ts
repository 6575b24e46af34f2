import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.ts';
import { buildBatch, buildDocuments, buildTokenClient, labelAll } from '../support/factories.ts';
import { rowsOf } from '../../server/db/store.ts';
import { readFastTextBin } from '../../server/classifier/fasttext-bin.ts';
import { predict } from '../../server/classifier/model.ts';
import type { DomainEvent } from '../../server/events.ts';

let t: TestApp;
let projectId: number;
let admin: Awaited<ReturnType<typeof buildTokenClient>>;
const events: DomainEvent[] = [];
const DOCUMENTS = 400;
const LABELED = 160;
const sources = ['wiki', 'forum'];
const good = ['the lecture derives the equations of motion step by step', 'a worked example of the proof with each lemma explained'];
const bad = ['click here for cheap deals and free spins', 'buy now limited offer casino bonus click'];
/** Even documents are educational, odd ones spam, whatever their source. */
const textOf = (i: number) => `${(i % 2 === 0 ? good : bad)[(i >> 1) % 2]} number ${i}`;
const training = { bucket: 4096, dim: 8, epoch: 15, lr: 0.5, minCount: 1, seed: 5 };

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs the CLI as a user would, against the test server. */
async function curate(args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/curate.ts'), ...args], {
      cwd: root,
      env: { ...process.env, CURATE_URL: t.url, CURATE_EMAIL: t.admin.email, CURATE_PASSWORD: TEST_PASSWORD },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function settled(runId: number, phase: 'status' | 'scoreStatus') {
  for (;;) {
    const { body } = await admin.get(`/api/projects/${projectId}/classifier/runs/${runId}`).expect(200);
    if (body.run[phase] !== 'running') return body.run;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function download(url: string): Promise<Buffer> {
  const res = await admin
    .get(url)
    .buffer(true)
    .parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => done(null, Buffer.concat(chunks)));
    })
    .expect(200);
  return res.body as Buffer;
}

beforeAll(async () => {
  t = await startTestApp();
  t.ctx.events.subscribe((e) => events.push(e));
  projectId = (await t.buildProject({ name: 'classifier' })).id;
  admin = await buildTokenClient(t, 'admin');
  await buildDocuments(
    t,
    projectId,
    Array.from({ length: DOCUMENTS }, (_, i) => ({ id: `doc-${i}`, text: textOf(i), source: sources[(i >> 2) % 2] })),
  );
  await buildBatch(t, projectId, { size: LABELED, redundancy: 1 });
  const annotator = await buildTokenClient(t);
  await labelAll(annotator, projectId, (i) => ({ score: i % 2 === 0 ? 4 : 1 }));
  await admin.post(`/api/projects/${projectId}/aggregate`).expect(200);
});

afterAll(() => t.close());

describe('the classifier in the server', () => {
  let runId: number;

  it('trains from the aggregated results as a job with live progress, and keeps the run with its evaluation', async () => {
    const res = await admin.post(`/api/projects/${projectId}/classifier/runs`, training).expect(202);
    runId = res.body.run.id;
    expect(res.body.run).toMatchObject({ status: 'running', settings: { ...training, heldOutShare: 0.2 } });
    await admin.post(`/api/projects/${projectId}/classifier/runs`, training).expect(409);
    const run = await settled(runId, 'status');
    expect(run.message).toBe('');
    expect(run).toMatchObject({ status: 'succeeded', trainExamples: LABELED - 32, heldOutExamples: 32 });
    expect(run.classes.classes).toEqual(['0', '1', '2', '3', '4']);
    expect(run.evaluation.model.accuracy).toBeGreaterThan(0.9);
    expect(run.evaluation.majority.accuracy).toBeLessThan(0.75);
    expect(run.evaluation.length.n).toBe(32);
    const progress = events.flatMap((e) => (e.name === 'classifier:progress' && e.payload.phase === 'training' ? [e.payload] : []));
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatchObject({ runId, done: progress.at(-1)!.total });
    expect(events.some((e) => e.name === 'classifier:done' && e.payload.runId === runId && e.payload.status === 'succeeded')).toBe(true);
    const { body } = await admin.get(`/api/projects/${projectId}/classifier/runs`).expect(200);
    expect(body.runs.map((r: { id: number }) => r.id)).toEqual([runId]);
    expect(body.scoringRunId).toBeNull();
  });

  it('trains the same model again from the same seed', async () => {
    const again = (await admin.post(`/api/projects/${projectId}/classifier/runs`, training).expect(202)).body.run.id;
    await settled(again, 'status');
    const [a, b] = await Promise.all([runId, again].map((id) => download(`/api/projects/${projectId}/classifier/runs/${id}/model.bin`)));
    expect(a.equals(b)).toBe(true);
  });

  it('has no corpus-wide figures and refuses score exports before anything is scored', async () => {
    const res = await admin.get(`/api/projects/${projectId}/classifier/filter?threshold=3`).expect(200);
    expect(res.body).toEqual({ scored: false });
    await admin.get(`/api/projects/${projectId}/classifier/scores.parquet`).expect(409);
  });

  it('scores every document of the project, labeled or not, with progress', async () => {
    await admin.post(`/api/projects/${projectId}/classifier/runs/${runId}/score`).expect(202);
    const run = await settled(runId, 'scoreStatus');
    expect(run).toMatchObject({ scoreStatus: 'succeeded', scored: DOCUMENTS });
    const [counts] = await rowsOf<{ n: number; good: number }>(
      t.ctx.store.db,
      sql`select count(*)::int as n, count(*) filter (where (d.external_id ~ '[02468]$') = (s.score >= 2.5))::int as good
          from document_scores s join documents d on d.id = s.document_id where s.project_id = ${projectId}`,
    );
    expect(counts.n).toBe(DOCUMENTS);
    expect(counts.good).toBeGreaterThan(DOCUMENTS * 0.95);
    const scoring = events.flatMap((e) => (e.name === 'classifier:progress' && e.payload.phase === 'scoring' ? [e.payload] : []));
    expect(scoring.at(-1)).toMatchObject({ done: DOCUMENTS, total: DOCUMENTS });
  });

  it('applies a threshold to the whole corpus: kept share per source, tokens, budget, and held-out precision/recall', async () => {
    const { body } = await admin.get(`/api/projects/${projectId}/classifier/filter?threshold=2.5&parameters=1000000&thresholds=0,2.5,5`).expect(200);
    expect(body.report.items).toBe(DOCUMENTS);
    expect(body.report.keptShare).toBeCloseTo(0.5, 1);
    expect(body.report.bySource.map((s: { source: string }) => s.source).sort()).toEqual(sources.slice().sort());
    expect(body.budget).toMatchObject({ parameters: 1e6, tokensNeeded: 2e7 });
    expect(body.budget.keepRate).toBe(body.report.keptTokenShare);
    expect(body.expected.heldOut).toBe(32);
    expect(body.expected.precision).toBeGreaterThan(0.9);
    expect(body.expected.recall).toBeGreaterThan(0.9);
    expect(body.curve.map((p: { threshold: number }) => p.threshold)).toEqual([0, 2.5, 5]);
    expect(body.curve[0].keptShare).toBe(1);
  });

  it('exports the scores as Parquet and Dolma attributes, the model as a fastText .bin and the training file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curate-classifier-'));
    const file = path.join(dir, 'scores.parquet');
    fs.writeFileSync(file, await download(`/api/projects/${projectId}/classifier/scores.parquet`));
    const rows = await parquetReadObjects({ file: await asyncBufferFromFile(file) });
    expect(rows).toHaveLength(DOCUMENTS);
    const model = readFastTextBin(await download(`/api/projects/${projectId}/classifier/runs/${runId}/model.bin`));
    const doc7 = rows.find((r) => r.id === 'doc-7')!;
    const p = predict(model, textOf(7));
    expect(doc7.prob_1).toBeCloseTo(p[1], 5);
    expect(Number(doc7.int_score)).toBe(Math.round(doc7.score));

    const attributes = gunzipSync(await download(`/api/projects/${projectId}/classifier/attributes?name=edu`))
      .toString()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(attributes).toHaveLength(DOCUMENTS);
    const a7 = attributes.find((a) => a.id === 'doc-7');
    expect(a7.attributes.edu__score).toEqual([[0, textOf(7).length, doc7.score]]);
    expect(Object.keys(a7.attributes)).toContain('edu__prob_4');
    await admin.get(`/api/projects/${projectId}/classifier/attributes?name=Bad-Name`).expect(400);

    const lines = (await download(`/api/projects/${projectId}/classifier/training-file`)).toString().trim().split('\n');
    expect(lines).toHaveLength(LABELED);
    expect(lines.every((l) => /^__label__[14] /.test(l))).toBe(true);
  });

  it('refuses unknown training settings and other roles', async () => {
    await admin.post(`/api/projects/${projectId}/classifier/runs`, { dims: 3 }).expect(400);
    // 2^31 buckets of 512 floats would be 4 TiB: refused before a worker tries to allocate them.
    const huge = await admin.post(`/api/projects/${projectId}/classifier/runs`, { wordNgrams: 2, bucket: 2 ** 31 - 1, dim: 512 }).expect(400);
    expect(huge.body.error.message).toMatch(/bucket/);
    const reviewer = await buildTokenClient(t, 'reviewer');
    await reviewer.get(`/api/projects/${projectId}/classifier/runs`).expect(403);
  });

  it('runs train, evaluate, score and export --project NAME through the API', async () => {
    const trained = await curate([
      'classifier',
      'train',
      '--project',
      'classifier',
      '--bucket',
      '4096',
      '--dim',
      '8',
      '--epoch',
      '15',
      '--seed',
      '9',
    ]);
    expect(trained.stderr).toMatch(/training run \d+/);
    expect(trained.code).toBe(0);
    expect(trained.stdout).toMatch(/trained on 128 documents, 32 held out/);
    expect(trained.stdout).toMatch(/majority/i);
    const evaluated = await curate(['classifier', 'evaluate', '--project', 'classifier', '--json']);
    expect(JSON.parse(evaluated.stdout).model.n).toBe(32);
    const scored = await curate(['classifier', 'score', '--project', 'classifier']);
    expect(scored.stdout).toMatch(new RegExp(`${DOCUMENTS} documents scored`));
    expect(scored.stderr).toMatch(/scoring 100%/);
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'curate-classifier-cli-')), 'model.bin');
    expect((await curate(['classifier', 'export', '--project', 'classifier', '--what', 'model', '--out', out])).code).toBe(0);
    expect(readFastTextBin(fs.readFileSync(out)).labels).toEqual(['0', '1', '2', '3', '4']);
    const wrong = await curate(['classifier', 'export', '--project', 'classifier', '--what', 'weights', '--out', out]);
    expect(wrong.code).toBe(2);
  });
});

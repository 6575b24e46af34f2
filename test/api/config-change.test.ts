/**
 * Judgments and gold answers stored under one task config are read under whatever config the project has now. When
 * an admin changes the config after judging started, the old values that no longer fit are left out of what is
 * computed from them and counted, never a 500; exports with raw judgments still carry every stored value.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import request from 'supertest';
import { DuckDBInstance } from '@duckdb/node-api';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { buildBatch, buildDocuments, buildTokenClient, labelAll } from '../support/factories.ts';
import { exportSet } from '../../server/commands/export-set.ts';
import { exportOptionsSchema } from '../../server/export/export-options.ts';
import { findProject } from '../../server/db/queries/projects.ts';

let t: TestApp;
let admin: Awaited<ReturnType<typeof buildTokenClient>>;
let dir: string;
beforeAll(async () => {
  t = await startTestApp();
  admin = await buildTokenClient(t, 'admin');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curate-config-change-'));
});
afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  await t.close();
});

/**
 * Config A: the default 0-5 scale. Six documents, doc-i scored i by one annotator; gold answers 2 for doc-2 and 5
 * for doc-5. Then config B changes the project as `configB` says.
 */
async function judgedThenChanged(configB: Record<string, unknown>) {
  const project = await t.buildProject({ taskType: 'quality-rating', config: {}, openToAll: true });
  await buildDocuments(
    t,
    project.id,
    Array.from({ length: 6 }, (_, i) => ({ id: `doc-${i}`, text: `document ${i} ${project.id}` })),
  );
  await buildBatch(t, project.id, { redundancy: 1 });
  const annotator = await buildTokenClient(t);
  await labelAll(annotator, project.id, (i) => ({ score: i }));
  await admin
    .put(`/api/projects/${project.id}/gold`, {
      answers: [
        { externalId: 'doc-2', answer: { score: 2 } },
        { externalId: 'doc-5', answer: { score: 5 } },
      ],
    })
    .expect(200);
  await admin.post(`/api/projects/${project.id}/aggregate`).expect(200);
  await request(t.url).patch(`/api/projects/${project.id}`).set('Authorization', admin.authorization).send({ config: configB }).expect(200);
  return project;
}

const download = (projectId: number, query: string) =>
  request(t.url)
    .get(`/api/projects/${projectId}/export?${query}`)
    .set('Authorization', admin.authorization)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });

async function parquetRows(file: string) {
  const duck = await (await DuckDBInstance.create(':memory:')).connect();
  const reader = await duck.runAndReadAll(`select id, score_mean, judgments::varchar as judgments from read_parquet('${file}') order by id`);
  return reader.getRowObjectsJS() as { id: string; score_mean: number | null; judgments: string }[];
}

describe('a config changed after judging started', () => {
  it('leaves the old values that no longer fit out of aggregation, the quality report and the filter, and counts them', async () => {
    // Scores 0, 4 and 5 are off the new 1-3 scale; so is the gold answer 5.
    const project = await judgedThenChanged({ scale: { min: 1, max: 3 } });

    const run = await admin.post(`/api/projects/${project.id}/aggregate`).expect(200);
    expect(run.body).toMatchObject({ items: 3, judgmentsNotFitting: 3, goldAnswersNotFitting: 1 });

    const report = await admin.get(`/api/projects/${project.id}/quality`).expect(200);
    expect(report.body.quality).toMatchObject({ judgmentsNotFitting: 3, goldAnswersNotFitting: 1 });

    const filter = await admin.get(`/api/projects/${project.id}/filter?threshold=2`).expect(200);
    expect(filter.body.goldAnswersNotFitting).toBe(1);
    await admin.get(`/api/projects/${project.id}/filter/ids?threshold=2`).expect(200);
  });

  it('still exports every row as JSONL and Parquet, its task columns from the fitting judgments and every raw judgment kept', async () => {
    const project = await judgedThenChanged({ scale: { min: 1, max: 3 } });

    const jsonl = await download(project.id, 'format=jsonl&includeJudgments=true').expect(200);
    const rows = (jsonl.body as Buffer)
      .toString()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; score_mean: number | null; judgments: { value: { score: number } }[] });
    rows.sort((a, b) => a.id.localeCompare(b.id));
    expect(rows.map((r) => [r.id, r.score_mean, r.judgments.map((j) => j.value.score)])).toEqual([
      ['doc-0', null, [0]],
      ['doc-1', 1, [1]],
      ['doc-2', 2, [2]],
      ['doc-3', 3, [3]],
      ['doc-4', null, [4]],
      ['doc-5', null, [5]],
    ]);

    const parquet = await download(project.id, 'format=parquet&includeJudgments=true').expect(200);
    const file = path.join(dir, `${project.id}.parquet`);
    fs.writeFileSync(file, parquet.body as Buffer);
    const read = await parquetRows(file);
    expect(read.map((r) => [r.id, r.score_mean, (JSON.parse(r.judgments) as { value: { score: number } }[]).map((j) => j.value.score)])).toEqual(
      rows.map((r) => [r.id, r.score_mean, r.judgments.map((j) => j.value.score)]),
    );

    const facts = await exportSet(t.ctx, {
      project: (await findProject(t.ctx.store.db, project.id))!,
      options: exportOptionsSchema.parse({ format: 'jsonl' }),
      out: new PassThrough().resume(),
    });
    expect({ rows: facts.rows, skipped: facts.skipped, judgmentsNotFitting: facts.judgmentsNotFitting }).toEqual({
      rows: 6,
      skipped: 0,
      judgmentsNotFitting: 3,
    });
  });

  it('leaves every judgment out when an aspect is added, since none of them scored it', async () => {
    const project = await judgedThenChanged({ aspects: [{ key: 'coherence', label: 'Coherence', scale: { min: 1, max: 5 } }] });

    const run = await admin.post(`/api/projects/${project.id}/aggregate`).expect(200);
    expect(run.body).toMatchObject({ items: 0, judgmentsNotFitting: 6, goldAnswersNotFitting: 0 });

    const jsonl = await download(project.id, 'format=jsonl&includeJudgments=true').expect(200);
    const rows = (jsonl.body as Buffer)
      .toString()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { coherence_mean: number | null; judgments: unknown[] });
    expect(rows).toHaveLength(6);
    expect(rows.every((r) => r.coherence_mean === null && r.judgments.length === 1)).toBe(true);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import request from 'supertest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { buildBatch, buildDocuments, buildTokenClient } from '../support/factories.ts';
import { rowsOf } from '../../server/db/store.ts';
import { exportSet } from '../../server/commands/export-set.ts';
import { exportOptionsSchema } from '../../server/export/export-options.ts';
import { findProject } from '../../server/db/queries/projects.ts';

/**
 * What is left of issue 12, finding 4 once a lease withdraws an item whose document the task type cannot show: a
 * broken document in the store fails neither export nor aggregation, batch progress counts it apart, and fixing the
 * field mapping brings it back to serving.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

type Client = Awaited<ReturnType<typeof buildTokenClient>>;

async function syntheticProject() {
  const project = await t.buildProject({ taskType: 'synthetic-review' });
  await t.ctx.store.db.execute(sql`update projects set open_to_all = true where id = ${project.id}`);
  return project;
}

async function insertDocumentDirectly(projectId: number, externalId: string, text: string, meta: Record<string, unknown>) {
  await t.ctx.store.db.execute(sql`insert into documents (project_id, external_id, content_hash, text, meta, token_estimate)
                                   values (${projectId}, ${externalId}, ${randomUUID()}, ${text}, ${JSON.stringify(meta)}::jsonb, 5)`);
}

const lease = async (client: Client, projectId: number, count: number) =>
  (await client.post(`/api/projects/${projectId}/tasks/lease`, { count }).expect(200)).body.tasks as { slotId: number }[];

const itemOf = async (projectId: number, externalId: string) =>
  (
    await rowsOf<{ id: number; status: string }>(
      t.ctx.store.db,
      sql`select i.id::int as id, i.status from items i join documents d on d.id = i.document_id where i.project_id = ${projectId} and d.external_id = ${externalId}`,
    )
  )[0];

const openFlags = async (itemId: number) =>
  (await rowsOf<{ n: number }>(t.ctx.store.db, sql`select count(*)::int as n from flags where item_id = ${itemId} and resolved_at is null`))[0].n;

describe('a broken document left in the store', () => {
  /** Two labeled items whose documents could be shown when labeled; `break` then takes document b's prompt away. */
  async function labeledProject() {
    const project = await syntheticProject();
    await buildDocuments(t, project.id, [
      { id: 'a', text: `response a ${randomUUID()}`, prompt: 'prompt a' },
      { id: 'b', text: `response b ${randomUUID()}`, prompt: 'prompt b' },
    ]);
    await buildBatch(t, project.id, { redundancy: 1 });
    const annotator = await buildTokenClient(t);
    for (const task of await lease(annotator, project.id, 2)) {
      const value = { decision: 'needs-edit', tags: [], correctedText: 'a better response' };
      await annotator.post(`/api/projects/${project.id}/judgments`, { clientId: randomUUID(), slotId: task.slotId, value }).expect(201);
    }
    // Its prompt gone since it was labeled (an edit in the database, an import from before imports checked).
    const breakDocument = () =>
      t.ctx.store.db.execute(sql`update documents set meta = '{}'::jsonb where project_id = ${project.id} and external_id = 'b'`);
    return { project, admin: await buildTokenClient(t, 'admin'), breakDocument };
  }

  it('does not fail aggregation, which says how many documents it left out', async () => {
    const { project, admin, breakDocument } = await labeledProject();
    await breakDocument();
    const run = await admin.post(`/api/projects/${project.id}/aggregate`).expect(200);
    expect(run.body).toMatchObject({ items: 2, documentsNotShown: 1 });
  });

  it('does not fail an export, which leaves its row out and counts it', async () => {
    const { project, admin, breakDocument } = await labeledProject();
    await admin.post(`/api/projects/${project.id}/aggregate`).expect(200);
    await breakDocument();

    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk));
    const facts = await exportSet(t.ctx, {
      project: (await findProject(t.ctx.store.db, project.id))!,
      options: exportOptionsSchema.parse({ format: 'jsonl' }),
      out,
    });
    expect({ rows: facts.rows, skipped: facts.skipped }).toEqual({ rows: 1, skipped: 1 });
    expect(Buffer.concat(chunks).toString().trim().split('\n')).toHaveLength(1);

    const download = await request(t.url)
      .get(`/api/projects/${project.id}/export?format=jsonl`)
      .set('Authorization', admin.authorization)
      .expect(200);
    expect(download.text.trim().split('\n')).toHaveLength(1);
  });
});

describe('an item withdrawn as broken', () => {
  it('counts apart in batch progress, neither complete nor open', async () => {
    const project = await syntheticProject();
    await buildDocuments(t, project.id, [{ id: 'ok', text: `fine ${randomUUID()}`, prompt: 'a prompt' }]);
    await insertDocumentDirectly(project.id, 'bad', 'no prompt here', {});
    const { batch } = await buildBatch(t, project.id, { redundancy: 2 });
    const annotator = await buildTokenClient(t);
    expect(await lease(annotator, project.id, 2)).toHaveLength(1);
    expect((await itemOf(project.id, 'bad')).status).toBe('broken');

    const admin = await buildTokenClient(t, 'admin');
    const { progress } = (await admin.get(`/api/batches/${batch.id}/progress`).expect(200)).body;
    // Two slots of the good item (one leased), none of the broken one counts as work left.
    expect(progress).toMatchObject({ items: 2, itemsComplete: 0, itemsBroken: 1, leased: 1, open: 1 });
  });

  it('serves again, its flag resolved, once staff fix the field mapping so its document builds', async () => {
    const project = await syntheticProject();
    await buildDocuments(t, project.id, [{ id: 'ok', text: `fine ${randomUUID()}`, prompt: 'a prompt', question: 'a question' }]);
    await insertDocumentDirectly(project.id, 'bad', 'asked as a question', { question: 'what is it?' });
    await insertDocumentDirectly(project.id, 'worse', 'nothing to ask', {});
    await buildBatch(t, project.id, { redundancy: 1 });
    const annotator = await buildTokenClient(t);
    expect(await lease(annotator, project.id, 3)).toHaveLength(1);
    const [bad, worse] = [await itemOf(project.id, 'bad'), await itemOf(project.id, 'worse')];
    expect([bad.status, worse.status]).toEqual(['broken', 'broken']);
    expect(await openFlags(bad.id)).toBe(1);

    const admin = await buildTokenClient(t, 'admin');
    await request(t.url)
      .patch(`/api/projects/${project.id}`)
      .set('Authorization', admin.authorization)
      .send({ fieldMapping: { prompt: 'question' } })
      .expect(200);

    expect((await itemOf(project.id, 'bad')).status).toBe('open');
    expect(await openFlags(bad.id)).toBe(0);
    // A document the new mapping still cannot show stays withdrawn, its flag open.
    expect((await itemOf(project.id, 'worse')).status).toBe('broken');
    expect(await openFlags(worse.id)).toBe(1);
    const served = await lease(annotator, project.id, 3);
    expect(served).toHaveLength(2);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { buildBatch, buildDocuments, buildTokenClient, labelAll } from '../support/factories.ts';
import { rowsOf } from '../../server/db/store.ts';

let t: TestApp;
let admin: Awaited<ReturnType<typeof buildTokenClient>>;
let annotator: Awaited<ReturnType<typeof buildTokenClient>>;

const docs = (prefix: string, n: number, extra: Record<string, unknown> = {}) =>
  Array.from({ length: n }, (_, i) => ({ id: `doc-${i}`, text: `${prefix} text ${i}`, source: i % 2 ? 'odd' : 'even', ...extra }));

const del = (path: string, body: object) => request(t.url).delete(path).set('Authorization', admin.authorization).send(body);
const count = async (query: ReturnType<typeof sql>) => Number((await rowsOf<{ n: number }>(t.ctx.store.db, query))[0].n);
const audit = (action: string, target: string) =>
  count(sql`select count(*)::int as n from audit_log where action = ${action} and target = ${target}`);

beforeAll(async () => {
  t = await startTestApp();
  admin = await buildTokenClient(t, 'admin');
  annotator = await buildTokenClient(t, 'annotator');
});
afterAll(() => t.close());

describe('deleting a batch', () => {
  it('removes an empty batch with its items and slots, in one step with an audit entry', async () => {
    const project = await t.buildProject();
    await buildDocuments(t, project.id, docs('empty', 6));
    const { batch } = await buildBatch(t, project.id, { size: 6, redundancy: 2 });
    await del(`/api/batches/${batch.id}`, {}).expect(400);
    const { body } = await del(`/api/batches/${batch.id}`, { confirm: true }).expect(200);
    expect(body).toEqual({ outcome: 'deleted', removed: { items: 6 } });
    expect(await count(sql`select count(*)::int as n from items where batch_id = ${batch.id}`)).toBe(0);
    expect(await count(sql`select count(*)::int as n from slots where batch_id = ${batch.id}`)).toBe(0);
    expect(await count(sql`select count(*)::int as n from batches where id = ${batch.id}`)).toBe(0);
    expect(await audit('batch.delete', `batch:${batch.id}`)).toBe(1);
    // Its documents stay and can be drawn into a new batch.
    expect((await buildBatch(t, project.id, { size: 6 })).batch.id).toBeGreaterThan(batch.id);
  });

  it('asks before touching a labeled batch, then archives it and its judgments stay in the export', async () => {
    const project = await t.buildProject();
    await buildDocuments(t, project.id, docs('labeled', 4));
    const { batch } = await buildBatch(t, project.id, { size: 4, redundancy: 1 });
    await labelAll(annotator, project.id, () => ({ score: 4 }));

    const refused = await del(`/api/batches/${batch.id}`, { confirm: true }).expect(409);
    expect(refused.body.error.message).toMatch(/4 judgments.*archive/);
    expect(refused.body.error.details).toMatchObject({ judgments: 4 });

    const { body } = await del(`/api/batches/${batch.id}`, { confirm: true, whenLabeled: 'archive' }).expect(200);
    expect(body.outcome).toBe('archived');
    expect(body.batch).toMatchObject({ id: batch.id, status: 'closed', archivedAt: expect.any(String) });
    expect(await count(sql`select count(*)::int as n from judgments where project_id = ${project.id}`)).toBe(4);
    expect(await audit('batch.archive', `batch:${batch.id}`)).toBe(1);

    // Hidden from the default list, listed when asked, still exported with its judgments.
    expect((await admin.get(`/api/projects/${project.id}/batches`).expect(200)).body.batches).toEqual([]);
    expect((await admin.get(`/api/projects/${project.id}/batches?archived=include`).expect(200)).body.batches).toHaveLength(1);
    await admin.post(`/api/projects/${project.id}/aggregate`).expect(200);
    const exported = await admin.get(`/api/projects/${project.id}/export?format=jsonl&includeJudgments=true&batchId=${batch.id}`).expect(200);
    const rows = (exported.text as string)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows).toHaveLength(4);
    expect(rows.every((r) => r.judgments.length === 1)).toBe(true);

    // Archived means read-only until restored; restored, it is listed again (closed: opening it is a choice).
    await admin.post(`/api/batches/${batch.id}/open`).expect(409);
    await admin.post(`/api/batches/${batch.id}/archive`, { archived: false }).expect(200);
    expect((await admin.get(`/api/projects/${project.id}/batches`).expect(200)).body.batches).toHaveLength(1);
    expect(await audit('batch.restore', `batch:${batch.id}`)).toBe(1);
  });
});

describe('archiving and deleting a project', () => {
  it('hides an archived project from annotators (list and lease answer 404) but not from admins, until restored', async () => {
    const project = await t.buildProject();
    await buildDocuments(t, project.id, docs('archived', 3));
    await buildBatch(t, project.id, { size: 3, redundancy: 1 });
    await admin.post(`/api/projects/${project.id}/archive`, {}).expect(400);
    const { body } = await admin.post(`/api/projects/${project.id}/archive`, { archived: true }).expect(200);
    expect(body.project.archivedAt).toEqual(expect.any(String));
    expect(await audit('project.archive', `project:${project.id}`)).toBe(1);

    const visible = (await annotator.get('/api/projects').expect(200)).body.projects.map((p: { id: number }) => p.id);
    expect(visible).not.toContain(project.id);
    const lease = await annotator.post(`/api/projects/${project.id}/tasks/lease`, { count: 1 }).expect(404);
    expect(lease.body.error.id).toBe('not_found');
    await annotator.get(`/api/projects/${project.id}`).expect(404);

    expect((await admin.get('/api/projects').expect(200)).body.projects.map((p: { id: number }) => p.id)).not.toContain(project.id);
    expect((await admin.get('/api/projects?archived=include').expect(200)).body.projects.map((p: { id: number }) => p.id)).toContain(project.id);
    await admin.get(`/api/projects/${project.id}/export?format=jsonl`).expect(200);
    await request(t.url).patch(`/api/projects/${project.id}`).set('Authorization', admin.authorization).send({ description: 'x' }).expect(409);
    await admin.post(`/api/projects/${project.id}/batches`, { name: 'more', size: 1 }).expect(409);

    await admin.post(`/api/projects/${project.id}/archive`, { archived: false }).expect(200);
    expect((await annotator.post(`/api/projects/${project.id}/tasks/lease`, { count: 1 }).expect(200)).body.tasks).toHaveLength(1);
    expect(await audit('project.restore', `project:${project.id}`)).toBe(1);
  });

  it('deletes an unlabeled project with all its rows in one step', async () => {
    const project = await t.buildProject();
    await buildDocuments(t, project.id, docs('gone', 5));
    await buildBatch(t, project.id, { size: 5, redundancy: 2 });
    await del(`/api/projects/${project.id}`, { confirm: false }).expect(400);
    const { body } = await del(`/api/projects/${project.id}`, { confirm: true }).expect(200);
    expect(body).toEqual({ outcome: 'deleted', removed: { items: 5, batches: 1, documents: 5 } });
    for (const table of ['documents', 'items', 'batches', 'imports']) {
      expect(await count(sql`select count(*)::int as n from ${sql.identifier(table)} where project_id = ${project.id}`)).toBe(0);
    }
    expect(await count(sql`select count(*)::int as n from projects where id = ${project.id}`)).toBe(0);
    expect(await audit('project.delete', `project:${project.id}`)).toBe(1);
    await admin.get(`/api/projects/${project.id}`).expect(404);
  });

  it('never drops a labeled project: refused with the count, or archived when asked', async () => {
    const project = await t.buildProject();
    await buildDocuments(t, project.id, docs('kept', 2));
    await buildBatch(t, project.id, { size: 2, redundancy: 1 });
    await labelAll(annotator, project.id, () => ({ score: 2 }));
    const refused = await del(`/api/projects/${project.id}`, { confirm: true }).expect(409);
    expect(refused.body.error.details).toMatchObject({ judgments: 2 });
    const { body } = await del(`/api/projects/${project.id}`, { confirm: true, whenLabeled: 'archive' }).expect(200);
    expect(body).toMatchObject({ outcome: 'archived', project: { id: project.id, archivedAt: expect.any(String) } });
    expect(await count(sql`select count(*)::int as n from judgments where project_id = ${project.id}`)).toBe(2);
  });
});

describe('deleting documents', () => {
  it('deletes documents no batch uses, by id or by filter, and keeps those in a batch', async () => {
    const project = await t.buildProject();
    await buildDocuments(t, project.id, docs('docs', 10));
    await buildBatch(t, project.id, { size: 2, redundancy: 1 });
    const inBatch = await rowsOf<{ id: number }>(t.ctx.store.db, sql`select distinct document_id as id from items where project_id = ${project.id}`);
    const free = await rowsOf<{ id: number; source: string }>(
      t.ctx.store.db,
      sql`select id, source from documents d where project_id = ${project.id} and not exists (select 1 from items i where i.document_id = d.id) order by id`,
    );
    expect(free).toHaveLength(8);

    const one = await del(`/api/projects/${project.id}/documents/${inBatch[0].id}`, {}).expect(409);
    expect(one.body.error.message).toMatch(/in a batch/);
    expect((await del(`/api/projects/${project.id}/documents/${free[0].id}`, {}).expect(200)).body).toEqual({ deleted: 1, inBatch: 0 });
    await del(`/api/projects/${project.id}/documents/${free[0].id}`, {}).expect(404);

    await del(`/api/projects/${project.id}/documents`, {}).expect(400);
    await del(`/api/projects/${project.id}/documents`, { filter: {}, confirm: true }).expect(400);
    const byIds = await del(`/api/projects/${project.id}/documents`, { documentIds: [Number(free[1].id), Number(inBatch[0].id)] }).expect(200);
    expect(byIds.body).toEqual({ deleted: 1, inBatch: 1 });

    const left = free.slice(2);
    const odd = left.filter((d) => d.source === 'odd').length;
    const inBatchOdd = await count(
      sql`select count(*)::int as n from documents d where project_id = ${project.id} and source = 'odd' and exists (select 1 from items i where i.document_id = d.id)`,
    );
    const byFilter = await del(`/api/projects/${project.id}/documents`, { filter: { source: 'odd' }, confirm: true }).expect(200);
    expect(byFilter.body).toEqual({ deleted: odd, inBatch: inBatchOdd });
    expect(await count(sql`select count(*)::int as n from documents where project_id = ${project.id}`)).toBe(10 - 2 - odd);
    expect(await count(sql`select count(*)::int as n from audit_log where action = 'documents.delete' and target = ${`project:${project.id}`}`)).toBe(
      3,
    );

    // An annotator may not delete anything.
    await request(t.url)
      .delete(`/api/projects/${project.id}/documents/${left[0].id}`)
      .set('Authorization', annotator.authorization)
      .send({})
      .expect(403);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { buildBatch, buildDocuments, buildTokenClient, labelAll } from '../support/factories.ts';
import { rowsOf } from '../../server/db/store.ts';
import { addAnsweredJudge } from './judge-report-fixture.ts';

/**
 * Routing judged documents to humans under a budget, and the blind calibration sample, as batch sampling strategies,
 * on both stores. 200 documents; humans labelled 40; two judges answered all: they agree on web pages and split on
 * some forum pages, so the budget goes there first.
 */
let t: TestApp;
let projectId: number;
let judgeId: number;
const N = 200;
const truth = (i: number) => i % 6;
const source = (i: number) => (i % 2 ? 'web' : 'forum');
let humanDocs = new Set<number>();

function batchDocs(batchId: number) {
  return rowsOf<{ external_id: string; source: string; slots: number }>(
    t.ctx.store.db,
    sql`select d.external_id, d.source, (select count(*)::int from slots s where s.item_id = i.id) as slots
        from items i join documents d on d.id = i.document_id where i.batch_id = ${batchId} order by i.id`,
  );
}

beforeAll(async () => {
  t = await startTestApp();
  projectId = (await t.buildProject({ openToAll: true })).id;
  await buildDocuments(
    t,
    projectId,
    Array.from({ length: N }, (_, k) => ({ id: `doc-${k + 1}`, text: `document number ${k + 1}`, source: source(k + 1) })),
  );
  const { batch } = await buildBatch(t, projectId, { size: 40, redundancy: 3, seed: 1 });
  for (let a = 0; a < 3; a++) await labelAll(await buildTokenClient(t), projectId, (i) => ({ score: truth(i) }));
  humanDocs = new Set((await batchDocs(batch.id)).map((r) => Number(r.external_id.slice(4))));
  judgeId = await addAnsweredJudge(t, projectId, 'first', truth);
  // The second judge is off by two on every third forum page.
  await addAnsweredJudge(t, projectId, 'second', (i) => (source(i) === 'forum' && i % 3 === 0 ? (truth(i) + 2) % 6 : truth(i)));
});
afterAll(() => t.close());

describe('a human batch routed from judge uncertainty', () => {
  it('spends exactly the budget over the judged documents, disagreements first, none already with humans', async () => {
    const admin = (await t.signIn(t.admin)).agent;
    const csrf = (await admin.get('/api/session')).body.csrfToken;
    // 150 judgments per 1,000 of 200 judged documents: 30 judgments, 10 documents of 3.
    const { body } = await admin
      .post(`/api/projects/${projectId}/batches`)
      .set('X-CSRF-Token', csrf)
      .send({ name: 'routed', size: 1000, redundancy: 3, sampling: { strategy: 'judge-uncertainty', budgetPer1000: 150 } })
      .expect(201);
    expect(body.items).toBe(10);
    expect(body.slots).toBe(30);
    const docs = await batchDocs(body.batch.id);
    expect(docs).toHaveLength(10);
    expect(docs.every((d) => d.slots === 3)).toBe(true);
    const ids = docs.map((d) => Number(d.external_id.slice(4)));
    expect(ids.some((i) => humanDocs.has(i))).toBe(false);
    // Most go to what the judges split on (forum, every third page); the spread across sources still gives web its share of doubt.
    const split = ids.filter((i) => source(i) === 'forum' && i % 3 === 0).length;
    expect(split, JSON.stringify(body.byStratum)).toBeGreaterThanOrEqual(8);
    expect(body.byStratum.forum).toBeGreaterThan(body.byStratum.web ?? 0);
    expect(body.batch.sampling).toMatchObject({ strategy: 'judge-uncertainty', budgetPer1000: 150 });
  });

  it('draws a blind calibration sample of the documents a judge answered, and serves it without judge answers', async () => {
    const admin = (await t.signIn(t.admin)).agent;
    const csrf = (await admin.get('/api/session')).body.csrfToken;
    const { body } = await admin
      .post(`/api/projects/${projectId}/batches`)
      .set('X-CSRF-Token', csrf)
      .send({ name: 'calibration', size: 12, redundancy: 2, seed: 3, sampling: { strategy: 'judge-sample', judgeId } })
      .expect(201);
    expect(body.items).toBe(12);
    const ids = (await batchDocs(body.batch.id)).map((d) => Number(d.external_id.slice(4)));
    expect(new Set(ids).size).toBe(12);
    expect(ids.some((i) => humanDocs.has(i))).toBe(false);
    await admin.post(`/api/batches/${body.batch.id}/open`).set('X-CSRF-Token', csrf).expect(200);
    const annotator = await buildTokenClient(t);
    const lease = await annotator.post(`/api/projects/${projectId}/tasks/lease`, { count: 5 }).expect(200);
    expect(lease.body.tasks.length).toBeGreaterThan(0);
    const served = JSON.stringify(lease.body);
    expect(served).not.toMatch(/judge/i);
    expect(served).not.toContain('Educational score');
  });

  it('refuses a budget out of bounds', async () => {
    const admin = (await t.signIn(t.admin)).agent;
    const csrf = (await admin.get('/api/session')).body.csrfToken;
    await admin
      .post(`/api/projects/${projectId}/batches`)
      .set('X-CSRF-Token', csrf)
      .send({ name: 'x', size: 10, sampling: { strategy: 'judge-uncertainty', budgetPer1000: -1 } })
      .expect(400);
  });
});

import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../server/db/store.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type SignedInAgent, type TestApp } from '../support/test-app.ts';
import { buildBatch, buildDocuments, buildTokenClient } from '../support/factories.ts';

let t: TestApp;
let admin: SignedInAgent;
let projectId: number;
let otherProjectId: number;

/** 30 documents: a third each from three sites, in two languages, with nested metadata. */
const records = Array.from({ length: 30 }, (_, i) => ({
  id: `doc-${i}`,
  text: i % 10 === 0 ? `needle number ${i}` : `plain text ${i}`,
  source: ['cc', 'wiki', 'books'][i % 3],
  lang: i < 20 ? 'en' : 'fr',
  metadata: { url: `https://site${i % 2}.example/${i}`, topic: i % 5 === 0 ? 'science' : 'other' },
}));

beforeAll(async () => {
  t = await startTestApp();
  admin = await t.signIn(t.admin);
  projectId = (await t.buildProject()).id;
  otherProjectId = (await t.buildProject()).id;
  await buildDocuments(t, projectId, records);
  await buildDocuments(t, otherProjectId, [{ id: 'elsewhere', text: 'another project' }]);
});
afterAll(() => t.close());

const list = (query: string) => admin.agent.get(`/api/projects/${projectId}/documents?${query}`);
const ids = (body: { documents: { externalId: string }[] }) => body.documents.map((d) => d.externalId);

describe('document list: filters and match count', () => {
  it('counts the matches of a search over every page, not the project total', async () => {
    const { body } = await list('search=needle&limit=2').expect(200);
    expect(ids(body)).toEqual(['doc-0', 'doc-10']);
    expect(body.matches).toBe(3);
    expect(body.stats.total).toBe(30);
  });

  it('reports the project total as the match count when nothing narrows the list', async () => {
    const { body } = await list('limit=5').expect(200);
    expect(body.matches).toBe(30);
  });

  it('filters on a nested metadata path, source and lang together', async () => {
    const { body } = await list('meta.metadata.topic=science&source=cc&lang=en').expect(200);
    // topic science: 0, 5, 10, 15, 20, 25; of those cc (i % 3 == 0): 0, 15; en (i < 20): both.
    expect(ids(body)).toEqual(['doc-0', 'doc-15']);
    expect(body.matches).toBe(2);
  });

  it('filters on a metadata value that holds SQL and JSON syntax as plain text', async () => {
    const { body } = await list(`meta.metadata.url=${encodeURIComponent("x' or '1'='1")}`).expect(200);
    expect(body.documents).toEqual([]);
    expect(body.matches).toBe(0);
  });

  it('pages a filtered list by its cursor', async () => {
    const first = (await list('lang=fr&limit=6').expect(200)).body;
    expect(first.matches).toBe(10);
    const second = (await list(`lang=fr&limit=6&after=${first.nextAfter}`).expect(200)).body;
    expect([...ids(first), ...ids(second)]).toEqual(records.filter((r) => r.lang === 'fr').map((r) => r.id));
    expect(second.nextAfter).toBeNull();
  });

  it('refuses a metadata path that is not a plain dotted name, and too many filters', async () => {
    const bad = await list(`${encodeURIComponent("meta.a'b")}=1`).expect(400);
    expect(bad.body.error.message).toMatch(/^meta\.0\.path\.0: a metadata path/);
    const many = Array.from({ length: 6 }, (_, i) => `meta.k${i}=v`).join('&');
    expect((await list(many).expect(400)).body.error.message).toMatch(/at most 5 metadata filters/);
    expect((await list(`source=${'x'.repeat(201)}`).expect(400)).body.error.message).toMatch(/^source:/);
  });
});

describe('document counts', () => {
  it('stay those of the documents after more imports and a deletion: total, tokens, per source and a source filter', async () => {
    const id = (await t.buildProject()).id;
    const docs = (from: number, n: number) => records.slice(from, from + n).map((r) => ({ ...r, id: `${r.id}-${id}`, text: `${r.text} ${id}` }));
    await buildDocuments(t, id, docs(0, 12));
    await buildDocuments(t, id, docs(12, 18));
    await t.ctx.store.db.execute(sql`delete from documents where project_id = ${id} and source = 'wiki' and external_id like 'doc-1%'`);
    const { body } = await admin.agent.get(`/api/projects/${id}/documents?limit=1`).expect(200);
    const { body: wiki } = await admin.agent.get(`/api/projects/${id}/documents?source=wiki&limit=1`).expect(200);
    const truth = await rowsOf<{ source: string; n: number; tokens: number }>(
      t.ctx.store.db,
      sql`select source, count(*)::int as n, sum(token_estimate)::float8 as tokens from documents where project_id = ${id} group by source`,
    );
    const expected = Object.fromEntries(truth.map((r) => [r.source, { n: r.n, tokens: r.tokens }]));
    const stats = body.stats as { total: number; tokens: number; bySource: { source: string; n: number; tokens: number }[] };
    expect(Object.fromEntries(stats.bySource.map((r) => [r.source, { n: r.n, tokens: r.tokens }]))).toEqual(expected);
    expect(stats.total).toBe(truth.reduce((s, r) => s + r.n, 0));
    expect(stats.total).toBeLessThan(30);
    expect(wiki.matches).toBe(expected.wiki.n);
  });
});

describe('document detail', () => {
  let documentId: number;
  let detailProjectId: number;
  let annotator: Awaited<ReturnType<typeof buildTokenClient>>;

  beforeAll(async () => {
    const reviewer = await t.buildUser('reviewer', { name: 'Rita Reviewer' });
    annotator = await buildTokenClient(t, 'annotator');
    detailProjectId = (await t.buildProject()).id;
    await buildDocuments(t, detailProjectId, [
      { id: 'doc-10', text: 'needle number 10', source: 'wiki', lang: 'en', metadata: { url: 'https://site0.example/10', topic: 'science' } },
      { id: 'doc-11', text: 'another one' },
    ]);
    await buildBatch(t, detailProjectId, { redundancy: 2 });
    documentId = (await admin.agent.get(`/api/projects/${detailProjectId}/documents?search=needle`).expect(200)).body.documents[0].id;
    // The annotator and the reviewer each label doc-10's one item.
    const reviewerAgent = await t.signIn(reviewer);
    for (const who of [
      {
        lease: () => annotator.post(`/api/projects/${detailProjectId}/tasks/lease`, { count: 10 }),
        submit: (b: object) => annotator.post(`/api/projects/${detailProjectId}/judgments`, b),
      },
      {
        lease: () =>
          reviewerAgent.agent.post(`/api/projects/${detailProjectId}/tasks/lease`).set('X-CSRF-Token', reviewerAgent.csrf).send({ count: 10 }),
        submit: (b: object) => reviewerAgent.agent.post(`/api/projects/${detailProjectId}/judgments`).set('X-CSRF-Token', reviewerAgent.csrf).send(b),
      },
    ]) {
      const { body } = await who.lease().expect(200);
      const task = body.tasks.find((x: { document: { externalId: string } }) => x.document.externalId === 'doc-10');
      if (!task) throw new Error(`doc-10 was not leased: ${JSON.stringify(body)}`);
      await who.submit({ clientId: randomUUID(), slotId: task.slotId, value: { score: 4 }, timeSpentMs: 1200 }).expect(201);
    }
  });

  it('shows the full text, metadata, items and every judgment with who judged it', async () => {
    const { body } = await admin.agent.get(`/api/projects/${detailProjectId}/documents/${documentId}`).expect(200);
    expect(body.document).toMatchObject({ externalId: 'doc-10', text: 'needle number 10', source: 'wiki', lang: 'en' });
    expect(body.document.meta).toMatchObject({ metadata: { url: 'https://site0.example/10', topic: 'science' } });
    expect(body.items).toHaveLength(1);
    expect(body.items[0]).toMatchObject({ status: 'complete', batchName: 'batch', targetK: 2, isGold: false });
    const judges = body.items[0].judgments.map((j: { judgedBy: string; value: unknown; status: string }) => [j.judgedBy, j.value, j.status]);
    // Staff by name; annotators by their pseudonymous worker key only.
    expect(judges).toEqual([
      [`u:${annotator.user.id}`, { score: 4 }, 'final'],
      ['Rita Reviewer', { score: 4 }, 'final'],
    ]);
    expect(JSON.stringify(body)).not.toContain(annotator.user.name);
  });

  it('answers 404 for a document of another project, and for one that does not exist', async () => {
    const other = (await admin.agent.get(`/api/projects/${otherProjectId}/documents`).expect(200)).body.documents[0].id;
    const cross = await admin.agent.get(`/api/projects/${detailProjectId}/documents/${other}`).expect(404);
    expect(cross.body.error.message).toMatch(/Document/);
    await admin.agent.get(`/api/projects/${projectId}/documents/99999999`).expect(404);
  });

  it('is for staff only: an annotator gets 403 on an open project, 404 on a hidden one', async () => {
    const refused = await annotator.get(`/api/projects/${detailProjectId}/documents/${documentId}`).expect(403);
    expect(refused.body.error.id).toBe('forbidden');
    const hidden = (await t.buildProject({ openToAll: false })).id;
    await annotator.get(`/api/projects/${hidden}/documents/${documentId}`).expect(404);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type SignedInAgent, type TestApp } from '../support/test-app.ts';
import { buildBatch, buildDocuments } from '../support/factories.ts';
import { sql } from 'drizzle-orm';
import { markItemForReview } from '../../server/db/queries/items.ts';
import { rowsOf } from '../../server/db/store.ts';

let t: TestApp;
let admin: SignedInAgent;
let projectId: number;
let queued: number[];

beforeAll(async () => {
  t = await startTestApp();
  admin = await t.signIn(t.admin);
  projectId = (await t.buildProject()).id;
  await buildDocuments(
    t,
    projectId,
    Array.from({ length: 60 }, (_, i) => ({ id: `doc-${i}`, text: `text ${i}` })),
  );
  await buildBatch(t, projectId, { redundancy: 1 });
  // 57 of the 60 items go to review, more than one page of the queue holds.
  const rows = await rowsOf<{ id: number }>(t.ctx.store.db, sql`select id::int as id from items where project_id = ${projectId} order by id`);
  queued = rows.map((r) => r.id).slice(0, 57);
  for (const id of queued) await markItemForReview(t.ctx.store.db, id);
});
afterAll(() => t.close());

const page = (query: string) => admin.agent.get(`/api/projects/${projectId}/review?${query}`).expect(200);

describe('review queue size and paging', () => {
  it('tells the true size of the queue beside its first page', async () => {
    const { body } = await page('');
    expect(body.items).toHaveLength(50);
    expect(body.total).toBe(57);
    expect(body.nextAfter).toBe(queued[49]);
  });

  it('pages through the whole queue by its cursor', async () => {
    const first = (await page('limit=20')).body;
    const second = (await page(`limit=20&after=${first.nextAfter}`)).body;
    const third = (await page(`limit=20&after=${second.nextAfter}`)).body;
    expect([...first.items, ...second.items, ...third.items].map((i: { itemId: number }) => i.itemId)).toEqual(queued);
    expect(third.nextAfter).toBeNull();
    expect(third.total).toBe(57);
  });

  it('counts one fewer once an item is adjudicated', async () => {
    await admin.agent
      .post(`/api/items/${queued[0]}/adjudicate`)
      .set('X-CSRF-Token', admin.csrf)
      .send({ answer: { score: 3 }, promoteToGold: false })
      .expect(200);
    expect((await page('')).body.total).toBe(56);
  });
});

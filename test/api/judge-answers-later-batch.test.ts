import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { buildBatch, buildDocuments } from '../support/factories.ts';
import { rowsOf } from '../../server/db/store.ts';
import { addAnsweredJudge } from './judge-report-fixture.ts';

/**
 * A judge that answered the whole corpus before any batch held those documents: the batches made afterwards carry
 * its answers as judgments on their items, so aggregation weighs the judge beside the humans who label them.
 */
let t: TestApp;
let projectId: number;

beforeAll(async () => {
  t = await startTestApp();
  projectId = (await t.buildProject({ openToAll: true })).id;
  await buildDocuments(
    t,
    projectId,
    Array.from({ length: 30 }, (_, k) => ({ id: `doc-${k + 1}`, text: `document number ${k + 1}` })),
  );
});
afterAll(() => t.close());

describe('judge answers and batches made later', () => {
  it("puts a corpus run's parsed answers on a new batch's items, once, and never its unparsed ones", async () => {
    const judgeId = await addAnsweredJudge(t, projectId, 'corpus-judge', (i) => (i === 7 ? null : i % 6));
    const { batch } = await buildBatch(t, projectId, { size: 30, redundancy: 2, seed: 3 });
    const rows = await rowsOf<{ external_id: string; value: { score: number } }>(
      t.ctx.store.db,
      sql`select d.external_id, j.value from judgments j join items i on i.id = j.item_id join documents d on d.id = i.document_id
          where i.batch_id = ${batch.id} and j.worker_key = ${`judge:${judgeId}`} order by d.id`,
    );
    expect(rows).toHaveLength(29);
    expect(rows.some((r) => r.external_id === 'doc-7')).toBe(false);
    for (const r of rows) expect(r.value.score).toBe(Number(r.external_id.slice(4)) % 6);
    const slots = await rowsOf<{ open: number }>(
      t.ctx.store.db,
      sql`select count(*)::int as open from slots where batch_id = ${batch.id} and status = 'open'`,
    );
    expect(slots[0].open, 'judge answers take no human slot').toBe(60);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { buildReviewedProjectWithGold, truthOf } from '../support/reviewed-with-gold.ts';
import { rowsOf } from '../../server/db/store.ts';
import { reliability } from '../../server/aggregation/index.ts';
import { MIN_GOLD_FOR_RELIABILITY } from '../../server/quality/method-reliability.ts';

let t: TestApp;
let projectId: number;
let admin: Awaited<ReturnType<typeof buildReviewedProjectWithGold>>['admin'];
const GOLD = 36;
const THRESHOLD = 0.8;

/** What the last run stored per item: its result and its status. */
function stored() {
  return rowsOf<{ external_id: string; label: string; confidence: number; status: string }>(
    t.ctx.store.db,
    sql`select d.external_id, ag.label #>> '{}' as label, ag.confidence, i.status
        from aggregates ag join items i on i.id = ag.item_id join documents d on d.id = i.document_id
        where ag.project_id = ${projectId} order by ag.item_id`,
  );
}

const docNumber = (externalId: string) => Number(externalId.slice(4));

beforeAll(async () => {
  t = await startTestApp();
  ({
    project: { id: projectId },
    admin,
  } = await buildReviewedProjectWithGold(t, { documents: 45, gold: GOLD, aggregation: { method: 'mv', reviewBelowConfidence: THRESHOLD } }));
  await admin.post(`/api/projects/${projectId}/aggregate`).expect(200);
});

afterAll(() => t.close());

describe('reliability of confidence on the quality page', () => {
  it('stores every categorical method scored on the gold items', async () => {
    const { body } = await admin.get(`/api/projects/${projectId}/quality`).expect(200);
    const { goldItems, needed, methods } = body.quality.reliability;
    expect({ goldItems, needed }).toEqual({ goldItems: GOLD, needed: MIN_GOLD_FOR_RELIABILITY });
    expect(methods.map((m: { method: string }) => m.method)).toEqual([
      'mv',
      'gold-weighted',
      'wawa',
      'ds',
      'one-coin',
      'mace',
      'glad',
      'ibcc',
      'auto',
    ]);
    for (const m of methods) {
      expect(m.n).toBe(GOLD);
      expect(m.bins).toHaveLength(10);
      expect(m.ece).toBeGreaterThanOrEqual(0);
    }
    // Those that read gold are scored on the half of it they were not given; EBCC only where it is the method in use.
    expect(methods.filter((m: { crossFitted: boolean }) => m.crossFitted).map((m: { method: string }) => m.method)).toEqual([
      'gold-weighted',
      'auto',
    ]);
  });

  it("draws the method in use from the items' stored confidence", async () => {
    const { body } = await admin.get(`/api/projects/${projectId}/quality`).expect(200);
    const mv = body.quality.reliability.methods.find((m: { method: string }) => m.method === 'mv');
    const gold = (await stored()).filter((r) => docNumber(r.external_id) < GOLD);
    const { bins, ece, n, accuracy } = reliability(
      gold.map((r) => r.confidence),
      gold.map((r) => r.label === truthOf(docNumber(r.external_id))),
    );
    expect({ n: mv.n, accuracy: mv.accuracy }).toEqual({ n, accuracy });
    expect(mv.bins.map((b: { count: number; accuracy: number | null }) => [b.count, b.accuracy])).toEqual(bins.map((b) => [b.count, b.accuracy]));
    mv.bins.forEach((b: { meanConfidence: number }, k: number) => expect(b.meanConfidence).toBeCloseTo(bins[k].meanConfidence, 12));
    expect(mv.ece).toBeCloseTo(ece, 12);
  });

  it('sends to review exactly the items whose stored confidence is under the threshold', async () => {
    // Review is for good once sent, and background runs while judgments came in may have sent items on fewer of
    // them; with the run in beforeAll done, every later run reads the same final judgments and gold.
    await t.ctx.store.db.execute(sql`update items set status = 'complete' where project_id = ${projectId} and status = 'review'`);
    await admin.post(`/api/projects/${projectId}/aggregate`).expect(200);
    const rows = await stored();
    const low = rows.filter((r) => r.confidence < THRESHOLD).map((r) => r.external_id);
    expect(low.length).toBeGreaterThan(0);
    expect(low.length).toBeLessThan(rows.length);
    expect(rows.filter((r) => r.status === 'review').map((r) => r.external_id)).toEqual(low);
  });

  it('filters exports by the stored confidence, not one computed again', async () => {
    const exported = async (minConfidence: number) =>
      (await admin.get(`/api/projects/${projectId}/export?format=jsonl&minConfidence=${minConfidence}`).expect(200)).text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).id as string);
    const rows = await stored();
    expect(await exported(THRESHOLD)).toEqual(rows.filter((r) => r.confidence >= THRESHOLD).map((r) => r.external_id));
    // Change one stored confidence behind the engine's back: the export follows it.
    const lifted = rows.find((r) => r.confidence < THRESHOLD)!;
    await t.ctx.store.db.execute(
      sql`update aggregates ag set confidence = 0.99 from items i, documents d
          where i.id = ag.item_id and d.id = i.document_id and ag.project_id = ${projectId} and d.external_id = ${lifted.external_id}`,
    );
    expect(await exported(THRESHOLD)).toContain(lifted.external_id);
    await t.ctx.store.db.execute(
      sql`update aggregates ag set confidence = ${lifted.confidence} from items i, documents d
          where i.id = ag.item_id and d.id = i.document_id and ag.project_id = ${projectId} and d.external_id = ${lifted.external_id}`,
    );
  });

  it('keeps and drops by the stored result, scoring precision and recall against gold', async () => {
    const { body } = await admin.get(`/api/projects/${projectId}/filter?threshold=0.5&thresholds=0.5`).expect(200);
    const rows = await stored();
    const kept = rows.filter((r) => r.label === 'accept');
    expect(body.report.kept).toBe(kept.length);
    const goldKept = kept.filter((r) => docNumber(r.external_id) < GOLD);
    const rightlyKept = goldKept.filter((r) => truthOf(docNumber(r.external_id)) === 'accept');
    expect(body.report.reference.precision).toBeCloseTo(rightlyKept.length / goldKept.length, 12);
  });

  it('says how many gold items a project has and how many the diagram needs; adaptive redundancy asks more of the items under the threshold', async () => {
    const few = await buildReviewedProjectWithGold(t, {
      documents: 12,
      gold: 5,
      aggregation: { method: 'mv', reviewBelowConfidence: THRESHOLD, adaptiveRedundancy: true, maxRedundancy: 5 },
    });
    const run = async () => {
      await few.admin.post(`/api/projects/${few.project.id}/aggregate`).expect(200);
      return rowsOf<{ item_id: number; confidence: number; target_k: number }>(
        t.ctx.store.db,
        sql`select ag.item_id, ag.confidence, i.target_k from aggregates ag join items i on i.id = ag.item_id
            where ag.project_id = ${few.project.id} order by ag.item_id`,
      );
    };
    // Background runs while judgments came in may have asked for more on fewer judgments; once one run on the
    // final judgments is done, each further run asks more of exactly the items still under the threshold.
    const before = await run();
    const { body } = await few.admin.get(`/api/projects/${few.project.id}/quality`).expect(200);
    expect(body.quality.reliability).toEqual({ goldItems: 5, needed: MIN_GOLD_FOR_RELIABILITY, methods: [] });
    const after = await run();
    expect(after.map((r) => r.confidence)).toEqual(before.map((r) => r.confidence));
    expect(after.some((r) => r.confidence < THRESHOLD)).toBe(true);
    after.forEach((r, k) => expect(r.target_k > before[k].target_k).toBe(r.confidence < THRESHOLD));
  });
});

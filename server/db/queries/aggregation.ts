import { and, eq, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import { annotatorStats, projects } from '../schema.ts';
import type { ItemResult } from '../../quality/aggregate-observations.ts';
import { rowsOf, type Tx } from '../store.ts';

/** Asks for a re-aggregation of a project (cheap; the job picks it up). */
export async function requestAggregation(db: Tx, projectId: number) {
  await db
    .update(projects)
    .set({ aggregationRequestedAt: new Date() })
    .where(and(eq(projects.id, projectId), sql`${projects.aggregationRequestedAt} is null`));
}

/**
 * Claims a project's pending aggregation request: clears it and returns true, or false when there was none.
 * Changes made after the claim set it again, so no judgment is ever left out of a later run.
 */
export async function claimAggregationRequest(db: Tx, projectId: number): Promise<boolean> {
  const rows = await db
    .update(projects)
    .set({ aggregationRequestedAt: null })
    .where(and(eq(projects.id, projectId), isNotNull(projects.aggregationRequestedAt)))
    .returning({ id: projects.id });
  return rows.length > 0;
}

/** Projects with a pending aggregation request. */
export async function projectsAwaitingAggregation(db: Tx) {
  const rows = await db.select({ id: projects.id }).from(projects).where(isNotNull(projects.aggregationRequestedAt));
  return rows.map((r) => r.id);
}

/** Every live label of a project, in the order given, with the batch and document of its item. */
export function labelsForAggregation(db: Tx, projectId: number) {
  return rowsOf<{
    item_id: number;
    batch_id: number;
    document_id: number;
    worker_key: string;
    value: unknown;
    time_spent_ms: number;
    swapped: boolean;
  }>(
    db,
    sql`select j.item_id, i.batch_id, i.document_id, j.worker_key, j.value, j.time_spent_ms, j.swapped
        from judgments j join items i on i.id = j.item_id
        where j.project_id = ${projectId} and j.kind = 'label' and j.status = 'final'
        order by j.id`,
  );
}

/** Text and metadata of the given documents (to rebuild the payloads that judgments corrected). */
export function documentsForPayloads(db: Tx, documentIds: number[]) {
  return rowsOf<{ id: number; text: string; meta: unknown }>(
    db,
    sql`select d.id, d.text, d.meta from documents d where d.id = any(${sql.param(documentIds)}::bigint[])`,
  );
}

/** Gold answers of a project keyed by item (through the item's document). */
export async function goldAnswersByItem(db: Tx, projectId: number) {
  const rows = await rowsOf<{ item_id: number; answer: unknown }>(
    db,
    sql`select i.id as item_id, g.answer from items i join gold_answers g on g.project_id = i.project_id and g.document_id = i.document_id
        where i.project_id = ${projectId}`,
  );
  return new Map(rows.map((r) => [Number(r.item_id), r.answer]));
}

/** Stores per-item results in one statement. */
export async function upsertAggregates(db: Tx, projectId: number, rows: ItemResult[]) {
  if (!rows.length) return;
  const num = (x: number | null) => (x === null || !Number.isFinite(x) ? null : x);
  await db.execute(sql`
    insert into aggregates (item_id, project_id, method, label, score, low, high, confidence, n_judgments, updated_at)
    select u.item_id, ${projectId}, u.method, to_jsonb(u.label), u.score, u.low, u.high, u.confidence, u.n, now()
    from unnest(${sql.param(rows.map((r) => r.itemId))}::bigint[], ${sql.param(rows.map((r) => r.method))}::text[],
                ${sql.param(rows.map((r) => r.label))}::text[], ${sql.param(rows.map((r) => num(r.score)))}::float8[],
                ${sql.param(rows.map((r) => num(r.low)))}::float8[], ${sql.param(rows.map((r) => num(r.high)))}::float8[],
                ${sql.param(rows.map((r) => num(r.confidence) ?? 0))}::float8[], ${sql.param(rows.map((r) => r.nJudgments))}::int[])
      as u(item_id, method, label, score, low, high, confidence, n)
    on conflict (item_id) do update set method = excluded.method, label = excluded.label, score = excluded.score,
      low = excluded.low, high = excluded.high, confidence = excluded.confidence, n_judgments = excluded.n_judgments, updated_at = now()`);
}

/** Replaces a project's annotator statistics. */
export async function replaceAnnotatorStats(db: Tx, projectId: number, rows: { workerKey: string; stats: unknown }[]) {
  await db.delete(annotatorStats).where(eq(annotatorStats.projectId, projectId));
  if (rows.length) await db.insert(annotatorStats).values(rows.map((r) => ({ projectId, workerKey: r.workerKey, stats: r.stats })));
}

/**
 * The database's clock, read as a run's snapshot is taken: the time its results are as of. As text, to keep the
 * microseconds a Date would drop (two runs a fraction of a millisecond apart must still compare in order).
 */
export async function snapshotTime(db: Tx): Promise<string> {
  const [row] = await rowsOf<{ at: string }>(db, sql`select clock_timestamp()::text as at`);
  return row.at;
}

/**
 * Stores the project-level aggregation results of a run whose snapshot was taken at `asOf`, unless a run from a
 * later snapshot has stored its own already (runs in several processes, or one that outlived its successor).
 * @returns false when the stored results are newer, and nothing was written.
 */
export async function saveProjectQuality(db: Tx, projectId: number, quality: unknown, asOf: string): Promise<boolean> {
  const at = sql`${asOf}::timestamptz`;
  const rows = await db
    .update(projects)
    .set({ quality, aggregatedAt: at })
    .where(and(eq(projects.id, projectId), or(isNull(projects.aggregatedAt), lt(projects.aggregatedAt, at))))
    .returning({ id: projects.id });
  return rows.length > 0;
}

/** Sends complete, unadjudicated items to review. */
export async function sendItemsToReview(db: Tx, itemIds: number[]) {
  if (!itemIds.length) return;
  await db.execute(sql`update items set status = 'review' where id = any(${sql.param(itemIds)}::bigint[]) and status = 'complete'`);
}

/**
 * Adaptive redundancy: raises the items' wanted judgments and opens the extra slots, appended after every
 * existing slot of their batch so first-round work is served first.
 */
export async function openExtraSlots(db: Tx, extra: { itemId: number; slots: number }[]) {
  if (!extra.length) return;
  await db.execute(sql`
    with want as (select * from unnest(${sql.param(extra.map((e) => e.itemId))}::bigint[], ${sql.param(extra.map((e) => e.slots))}::int[]) as w(item_id, n)),
    raised as (
      update items i set target_k = i.target_k + w.n, status = 'open' from want w where i.id = w.item_id and i.status in ('complete', 'open')
      returning i.id, i.batch_id, w.n
    )
    insert into slots (item_id, batch_id, ordinal, channel)
    select r.id, r.batch_id, (select coalesce(max(ordinal), 0) from slots s where s.batch_id = r.batch_id) + g, 'inhouse'
    from raised r cross join generate_series(1, r.n) g`);
}

/** A project's stored annotator statistics. */
export function listAnnotatorStats(db: Tx, projectId: number) {
  return db.select().from(annotatorStats).where(eq(annotatorStats.projectId, projectId));
}

import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Tx } from '../store.ts';
import { streamCursor } from './cursor.ts';
import type { ExportOptions } from '../../export/export-options.ts';

/** One exported item, as the database gives it. */
export interface ExportDbRow {
  item_id: number;
  external_id: string;
  text: string;
  meta: Record<string, unknown>;
  source: string | null;
  lang: string | null;
  token_estimate: number;
  batch_id: number;
  is_gold: boolean;
  label: unknown;
  score: number | null;
  low: number | null;
  high: number | null;
  confidence: number;
  n_judgments: number;
  method: string;
  split: string | null;
}

/** The export's filters, shared by the rows and their count. */
function exportFilters(projectId: number, o: ExportOptions): SQL {
  const filters: SQL[] = [sql`i.project_id = ${projectId}`];
  if (o.batchId) filters.push(sql`i.batch_id = ${o.batchId}`);
  if (o.adjudicatedOnly) filters.push(sql`ad.item_id is not null`);
  if (o.excludeFlagged) filters.push(sql`not exists (select 1 from flags f where f.item_id = i.id)`);
  filters.push(sql`(ad.item_id is not null or (ag.item_id is not null and ag.confidence >= ${o.minConfidence}))`);
  return sql.join(filters, sql` and `);
}

const EXPORT_JOINS = sql`from items i
      join documents d on d.id = i.document_id
      left join aggregates ag on ag.item_id = i.id
      left join adjudications ad on ad.item_id = i.id`;

/**
 * The final answer per item: an adjudication wins (confidence 1), else the stored aggregate. Filters and the
 * seeded stratified split are applied in SQL so rows stream out in item order without being held in memory.
 */
function exportQuery(projectId: number, o: ExportOptions): SQL {
  const stratum =
    o.stratifyBy === 'source' ? sql`coalesce(d.source, '')` : sql`coalesce((coalesce(ad.answer, ag.label))::text, round(ag.score)::text, '')`;
  const split = o.split
    ? sql`case when rank_in <= ${o.split[0]}::float8 * n_in then 'train' when rank_in <= ${o.split[0] + o.split[1]}::float8 * n_in then 'validation' else 'test' end`
    : sql`null::text`;
  // The seeded ranking sorts every row: only worth paying for when a split is asked for.
  const ranking = o.split
    ? sql`row_number() over (partition by ${stratum} order by md5(i.id::text || ':' || ${o.seed}::text)) as rank_in,
             count(*) over (partition by ${stratum}) as n_in`
    : sql`null::bigint as rank_in, null::bigint as n_in`;
  return sql`
    select item_id, external_id, text, meta, source, lang, token_estimate, batch_id, is_gold,
           label, score, low, high, confidence, n_judgments, method, ${split} as split
    from (
      select i.id as item_id, d.external_id, d.text, d.meta, d.source, d.lang,
             d.token_estimate, i.batch_id, i.is_gold,
             coalesce(ad.answer, ag.label) as label,
             case when ad.item_id is not null then null else ag.score end as score,
             case when ad.item_id is not null then null else ag.low end as low,
             case when ad.item_id is not null then null else ag.high end as high,
             case when ad.item_id is not null then 1 else ag.confidence end as confidence,
             coalesce(ag.n_judgments, 0) as n_judgments,
             case when ad.item_id is not null then 'adjudicated' else ag.method end as method,
             ${ranking}
      ${EXPORT_JOINS}
      where ${exportFilters(projectId, o)}
    ) x
    order by item_id`;
}

/** How many items an export will hold (for progress). */
export async function countExportRows(db: Tx, projectId: number, o: ExportOptions) {
  const [row] = await rowsOf<{ n: number }>(db, sql`select count(*)::int as n ${EXPORT_JOINS} where ${exportFilters(projectId, o)}`);
  return row.n;
}

/** Exact counts go this far before a count says "about". */
export const EXACT_EXPORT_COUNT = 100_000;

/**
 * How many items an export would hold, for the check before a download: exact up to `exactUpTo`, beyond it the
 * planner's estimate (never below the exact bound), said to be one. Counting 10^7 rows took seconds and grew with
 * the project; this stops after `exactUpTo` rows.
 */
export async function estimateExportRows(db: Tx, projectId: number, o: ExportOptions, exactUpTo = EXACT_EXPORT_COUNT) {
  const where = exportFilters(projectId, o);
  const [row] = await rowsOf<{ n: number }>(
    db,
    sql`select count(*)::int as n from (select 1 ${EXPORT_JOINS} where ${where} limit ${exactUpTo + 1}) capped`,
  );
  if (row.n <= exactUpTo) return { rows: row.n, estimated: false };
  const [plan] = await rowsOf<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(
    db,
    sql`explain (format json) select 1 ${EXPORT_JOINS} where ${where}`,
  );
  return { rows: Math.max(exactUpTo + 1, Math.round(plan['QUERY PLAN'][0].Plan['Plan Rows'])), estimated: true };
}

/** Streams export rows in item order, a page at a time (inside a transaction). */
export function streamExportRows(db: Tx, projectId: number, o: ExportOptions, pageSize = 5_000) {
  return streamCursor<ExportDbRow>(db, 'curate_export', exportQuery(projectId, o), pageSize);
}

/** The live judgments of some items, in item order, for exports that include raw judgments. */
export function judgmentsForExport(db: Tx, itemIds: number[]) {
  if (!itemIds.length) return Promise.resolve([]);
  return rowsOf<{ item_id: number; worker_key: string; value: unknown; time_spent_ms: number; created_at: Date }>(
    db,
    sql`select item_id, worker_key, value, time_spent_ms, created_at from judgments
        where item_id = any(${sql.param(itemIds)}::bigint[]) and kind = 'label' and status = 'final' order by item_id, id`,
  );
}

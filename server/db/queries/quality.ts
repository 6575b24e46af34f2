import { sql } from 'drizzle-orm';
import { rowsOf, type Tx } from '../store.ts';
import { judgeNames } from './judges.ts';

/** Result distribution per source: by label, or by score rounded to the scale point. */
export function resultHistogram(db: Tx, projectId: number) {
  return rowsOf<{ source: string; bucket: string; n: number }>(
    db,
    sql`select coalesce(d.source, '(none)') as source,
               coalesce(ag.label #>> '{}', round(ag.score::numeric, 0)::text, '(none)') as bucket,
               count(*)::int as n
        from aggregates ag join items i on i.id = ag.item_id join documents d on d.id = i.document_id
        where ag.project_id = ${projectId}
        group by 1, 2 order by 1, 2`,
  );
}

/** Confidence distribution in tenths. */
export function confidenceHistogram(db: Tx, projectId: number) {
  return rowsOf<{ bucket: number; n: number }>(
    db,
    sql`select least(floor(confidence * 10), 9)::int as bucket, count(*)::int as n
        from aggregates where project_id = ${projectId} group by 1 order by 1`,
  );
}

/** Names of in-house annotators by worker key (`u:<id>`), and of LLM judges (`judge:<id>`), named as judges. */
export async function annotatorNames(db: Tx, workerKeys: string[]) {
  const judges = await judgeNames(db, workerKeys);
  const ids = workerKeys.filter((k) => k.startsWith('u:')).map((k) => Number(k.slice(2)));
  if (!ids.length) return judges;
  const rows = await rowsOf<{ id: number; name: string; email: string }>(
    db,
    sql`select id, name, email from users where id = any(${sql.param(ids)}::bigint[])`,
  );
  return new Map([...rows.map((r): [string, string] => [`u:${r.id}`, `${r.name} <${r.email}>`]), ...judges]);
}

/** Item counts by status, and how many were adjudicated or flagged. */
export async function itemStatusCounts(db: Tx, projectId: number) {
  const rows = await rowsOf<{ status: string; n: number }>(
    db,
    sql`select status, count(*)::int as n from items where project_id = ${projectId} group by 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

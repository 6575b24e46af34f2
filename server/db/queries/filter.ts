import { sql } from 'drizzle-orm';
import { rowsOf, type Tx } from '../store.ts';

/** One aggregated item with what a filter decision needs; `reference` is an adjudicated or gold answer. */
export interface FilterRow {
  external_id: string;
  score: number | null;
  label: string | null;
  tokens: number;
  source: string | null;
  reference: unknown;
}

/**
 * Streams a project's aggregated items for filter decisions through a cursor (call inside a transaction), so a
 * project of millions of items is never one result set in memory.
 */
export async function* streamFilterRows(db: Tx, projectId: number, pageSize = 10_000): AsyncGenerator<FilterRow[]> {
  await db.execute(sql`declare curate_filter no scroll cursor for
    select d.external_id, ag.score, ag.label #>> '{}' as label, d.token_estimate as tokens, d.source,
           coalesce(ad.answer, g.answer) as reference
    from aggregates ag join items i on i.id = ag.item_id join documents d on d.id = i.document_id
    left join adjudications ad on ad.item_id = i.id
    left join gold_answers g on g.project_id = i.project_id and g.document_id = i.document_id
    where ag.project_id = ${projectId} order by ag.item_id`);
  try {
    for (;;) {
      const rows = await rowsOf<FilterRow>(db, sql.raw(`fetch forward ${pageSize} from curate_filter`));
      if (!rows.length) return;
      yield rows;
    }
  } finally {
    await db.execute(sql`close curate_filter`);
  }
}

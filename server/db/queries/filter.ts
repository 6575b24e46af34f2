import { sql } from 'drizzle-orm';
import type { Tx } from '../store.ts';
import { streamCursor } from './cursor.ts';

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
export function streamFilterRows(db: Tx, projectId: number, pageSize = 10_000) {
  return streamCursor<FilterRow>(
    db,
    'curate_filter',
    sql`select d.external_id, ag.score, ag.label #>> '{}' as label, d.token_estimate as tokens, d.source,
               coalesce(ad.answer, g.answer) as reference
        from aggregates ag join items i on i.id = ag.item_id join documents d on d.id = i.document_id
        left join adjudications ad on ad.item_id = i.id
        left join gold_answers g on g.project_id = i.project_id and g.document_id = i.document_id
        where ag.project_id = ${projectId} order by ag.item_id`,
    pageSize,
  );
}

import { eq, sql, type SQL } from 'drizzle-orm';
import { classifierRuns } from '../schema.ts';
import { rowsOf, type Tx } from '../store.ts';
import { candidateFilter, stratumExpression, type StratumKey } from './batches.ts';
import { streamCursor } from './cursor.ts';

/**
 * Documents uncertainty sampling may draw: the batch candidates that the run scored, leaving out, whatever
 * `excludeUsed` says, every document already labeled (an aggregate exists for one of its items) or waiting in a
 * batch that is not closed, so a round never asks again what humans answered or are answering.
 */
function uncertainCandidates(projectId: number, runId: number, excludeUsed: boolean): SQL {
  return sql`${candidateFilter(projectId, excludeUsed)} and s.run_id = ${runId}
    and not exists (
      select 1 from items i join batches b on b.id = i.batch_id
      where i.document_id = d.id and (b.status <> 'closed' or exists (select 1 from aggregates ag where ag.item_id = i.id)))`;
}

/** Uncertainty candidates per stratum. */
export function countUncertainCandidates(db: Tx, projectId: number, runId: number, key: StratumKey, excludeUsed: boolean) {
  return rowsOf<{ key: string; n: number }>(
    db,
    sql`select ${stratumExpression(key)} as key, count(*)::int as n
        from documents d join document_scores s on s.document_id = d.id
        where ${uncertainCandidates(projectId, runId, excludeUsed)} group by 1 order by 1`,
  );
}

/** Streams the candidates' class probabilities with their stratum, by document (call inside a transaction). */
export function streamUncertainCandidates(db: Tx, projectId: number, runId: number, key: StratumKey, excludeUsed: boolean, pageSize = 10_000) {
  return streamCursor<{ id: string | number; stratum: string; probabilities: (number | string)[] }>(
    db,
    'curate_uncertain_candidates',
    sql`select d.id, ${stratumExpression(key)} as stratum, s.probabilities
        from documents d join document_scores s on s.document_id = d.id
        where ${uncertainCandidates(projectId, runId, excludeUsed)} order by d.id`,
    pageSize,
  );
}

/** Notes on a run what the active-learning round that trained it made of it. */
export async function setRunMessage(db: Tx, runId: number, message: string) {
  await db.update(classifierRuns).set({ message }).where(eq(classifierRuns.id, runId));
}

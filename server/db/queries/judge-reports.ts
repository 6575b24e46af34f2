/** Reads behind the judges' calibration report and the routing of judged documents to humans. */
import { sql } from 'drizzle-orm';
import { rowsOf, type Tx } from '../store.ts';

/** A project's judges (archived ones too: their answers still calibrate), oldest first. */
export function judgesOfProject(db: Tx, projectId: number) {
  return rowsOf<{ id: number; name: string; model: string; archived: boolean; calibration_sample_size: number; created_by: number | null }>(
    db,
    sql`select id, name, model, archived_at is not null as archived, calibration_sample_size, created_by from judges where project_id = ${projectId} order by id`,
  );
}

/** Every parsed judge answer of a project with its document's source; raw texts only when `withRaw` (pairwise orders). */
export function parsedJudgeAnswers(db: Tx, projectId: number, withRaw: boolean) {
  return rowsOf<{
    judge_id: number;
    document_id: number;
    value: unknown;
    order_disagreement: boolean;
    source: string | null;
    raw: string | null;
    raw_swapped: string | null;
  }>(
    db,
    sql`select a.judge_id, a.document_id, a.value, a.order_disagreement, d.source,
               ${withRaw ? sql`a.raw, a.raw_swapped` : sql`null as raw, null as raw_swapped`}
        from judge_answers a join documents d on d.id = a.document_id
        where a.project_id = ${projectId} and a.status = 'parsed'
        order by a.document_id, a.judge_id`,
  );
}

/** Every live human label of a project (judges left out), by document, with the document's source. */
export function humanLabelsByDocument(db: Tx, projectId: number) {
  return rowsOf<{
    document_id: number;
    batch_id: number;
    worker_key: string;
    value: unknown;
    time_spent_ms: number;
    swapped: boolean;
    source: string | null;
  }>(
    db,
    sql`select i.document_id, i.batch_id, j.worker_key, j.value, j.time_spent_ms, j.swapped, d.source
        from judgments j join items i on i.id = j.item_id join documents d on d.id = i.document_id
        where j.project_id = ${projectId} and j.kind = 'label' and j.status = 'final' and j.worker_key not like 'judge:%'
        order by j.id`,
  );
}

/** Gold answers of a project by document. */
export async function goldAnswersByDocument(db: Tx, projectId: number) {
  const rows = await rowsOf<{ document_id: number; answer: unknown }>(
    db,
    sql`select document_id, answer from gold_answers where project_id = ${projectId}`,
  );
  return new Map(rows.map((r) => [Number(r.document_id), r.answer]));
}

/** The least confident stored aggregate of each judged document that is in an item (the aggregation including judges). */
export async function aggregateConfidenceByDocument(db: Tx, projectId: number) {
  const rows = await rowsOf<{ document_id: number; confidence: number }>(
    db,
    sql`select i.document_id, min(ag.confidence) as confidence from aggregates ag join items i on i.id = ag.item_id
        where ag.project_id = ${projectId} group by i.document_id`,
  );
  return new Map(rows.map((r) => [Number(r.document_id), Number(r.confidence)]));
}

/** Documents a judge-routed batch may not take: gold ones, and (when `excludeUsed`) those in any batch already. */
export async function documentsInBatchesOrGold(db: Tx, projectId: number, excludeUsed: boolean) {
  const rows = await rowsOf<{ document_id: number }>(
    db,
    sql`select document_id from gold_answers where project_id = ${projectId}
        ${excludeUsed ? sql`union select document_id from items where project_id = ${projectId}` : sql``}`,
  );
  return new Set(rows.map((r) => Number(r.document_id)));
}

/** Whether a judge has a blind calibration sample batch already (drawn by hand or after an earlier run). */
export async function hasCalibrationSampleBatch(db: Tx, projectId: number, judgeId: number) {
  const rows = await rowsOf<{ id: number }>(
    db,
    sql`select id from batches where project_id = ${projectId} and sampling->>'strategy' = 'judge-sample'
        and (sampling->>'judgeId')::bigint = ${judgeId} limit 1`,
  );
  return rows.length > 0;
}

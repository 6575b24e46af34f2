import { and, desc, eq, getTableColumns, ne, sql } from 'drizzle-orm';
import { classifierRuns } from '../schema.ts';
import { rowsOf, type Tx } from '../store.ts';
import { streamCursor } from './cursor.ts';
import type { ClassScheme } from '../../classifier/index.ts';
import type { ClassifierReport, ClassifierTraining } from '../../filtering/classifier-training-set.ts';

/** A run's columns without the model bytes, which only the scorer and the `.bin` download read. */
const runColumns = (() => {
  const { model: _model, ...columns } = getTableColumns(classifierRuns);
  return columns;
})();

/** Records a training run as it starts. */
export async function insertClassifierRun(db: Tx, values: { projectId: number; settings: ClassifierTraining; createdBy: number | null }) {
  const [row] = await db
    .insert(classifierRuns)
    .values({ ...values, status: 'running' })
    .returning(runColumns);
  return row;
}

/** Stores a run's outcome: the model and its evaluation, or why it failed. */
export async function finishClassifierRun(
  db: Tx,
  id: number,
  outcome:
    | { status: 'succeeded'; classes: ClassScheme; trainExamples: number; heldOutExamples: number; report: ClassifierReport; model: Buffer }
    | { status: 'failed'; message: string },
) {
  await db
    .update(classifierRuns)
    .set({ ...outcome, finishedAt: new Date() })
    .where(eq(classifierRuns.id, id));
}

/** Runs left "running" or "scoring" by a process that stopped mid-way; called while holding the project's job lock. */
export async function failInterruptedRuns(db: Tx, projectId: number, exceptRunId: number) {
  const message = 'interrupted: the server stopped before the run ended';
  await db
    .update(classifierRuns)
    .set({ status: 'failed', message, finishedAt: new Date() })
    .where(and(eq(classifierRuns.projectId, projectId), eq(classifierRuns.status, 'running'), ne(classifierRuns.id, exceptRunId)));
  await db
    .update(classifierRuns)
    .set({ scoreStatus: 'failed', message })
    .where(and(eq(classifierRuns.projectId, projectId), eq(classifierRuns.scoreStatus, 'running'), ne(classifierRuns.id, exceptRunId)));
}

/** Marks a run as scoring (or done scoring, with the count). */
export async function setScoreStatus(db: Tx, id: number, status: 'running' | 'succeeded' | 'failed', scored: number, message = '') {
  await db
    .update(classifierRuns)
    .set({ scoreStatus: status, scored, message, ...(status === 'succeeded' ? { scoredAt: new Date() } : {}) })
    .where(eq(classifierRuns.id, id));
}

/** A project's runs, newest first, without their models. */
export function listClassifierRuns(db: Tx, projectId: number) {
  return db.select(runColumns).from(classifierRuns).where(eq(classifierRuns.projectId, projectId)).orderBy(desc(classifierRuns.id));
}

/** One run of the project, without its model. */
export async function findClassifierRun(db: Tx, projectId: number, runId: number) {
  const [row] = await db
    .select(runColumns)
    .from(classifierRuns)
    .where(and(eq(classifierRuns.projectId, projectId), eq(classifierRuns.id, runId)));
  return row;
}

/** A run's stored fastText `.bin`, or undefined when it has none (still training, or failed). */
export async function classifierModelBytes(db: Tx, projectId: number, runId: number): Promise<Buffer | undefined> {
  const [row] = await db
    .select({ model: classifierRuns.model })
    .from(classifierRuns)
    .where(and(eq(classifierRuns.projectId, projectId), eq(classifierRuns.id, runId)));
  return row?.model ? Buffer.from(row.model) : undefined;
}

/** The run whose scores the project's documents carry now: the one that scored last. */
export async function scoringRun(db: Tx, projectId: number) {
  const [row] = await db
    .select(runColumns)
    .from(classifierRuns)
    .where(and(eq(classifierRuns.projectId, projectId), eq(classifierRuns.scoreStatus, 'succeeded')))
    .orderBy(desc(classifierRuns.scoredAt), desc(classifierRuns.id))
    .limit(1);
  return row;
}

/** One labeled document: its text, aggregated result and, where a human settled it, the gold or adjudicated answer. */
export interface LabeledRow {
  text: string;
  score: number | null;
  label: string | null;
  confidence: number;
  reference: unknown;
}

/**
 * The project's aggregated documents for training, one row per document (a document labeled in several batches
 * counts by its latest item), in document order so a split over them is reproducible.
 */
export function labeledDocuments(db: Tx, projectId: number) {
  return rowsOf<LabeledRow>(
    db,
    sql`select distinct on (d.id) d.text, ag.score, ag.label #>> '{}' as label, ag.confidence,
               coalesce(ad.answer, g.answer) as reference
        from aggregates ag join items i on i.id = ag.item_id join documents d on d.id = i.document_id
        left join adjudications ad on ad.item_id = i.id
        left join gold_answers g on g.project_id = i.project_id and g.document_id = i.document_id
        where ag.project_id = ${projectId} and i.status <> 'broken'
        order by d.id, ag.item_id desc`,
  );
}

/** The number of documents of a project. */
export async function countDocuments(db: Tx, projectId: number): Promise<number> {
  const [row] = await rowsOf<{ n: string | number }>(db, sql`select count(*) as n from documents where project_id = ${projectId}`);
  return Number(row.n);
}

/** The next page of a project's documents after `afterId`, by id: keyset paging holds no cursor between pages. */
export function documentsAfter(db: Tx, projectId: number, afterId: number, limit: number) {
  return rowsOf<{ id: string | number; text: string }>(
    db,
    sql`select id, text from documents where project_id = ${projectId} and id > ${afterId} order by id limit ${limit}`,
  );
}

/** Stores documents' scores from one run (replacing what an earlier run gave them). */
export async function upsertDocumentScores(
  db: Tx,
  projectId: number,
  runId: number,
  rows: { documentId: number; score: number; probabilities: ArrayLike<number> }[],
) {
  if (!rows.length) return;
  // Arrays of arrays do not unnest row by row, so each probability vector travels as its array literal.
  await db.execute(sql`
    insert into document_scores (document_id, project_id, run_id, score, probabilities)
    select u.document_id, ${projectId}, ${runId}, u.score, u.probabilities::real[]
    from unnest(${sql.param(rows.map((r) => r.documentId))}::bigint[], ${sql.param(rows.map((r) => r.score))}::float8[],
                ${sql.param(rows.map((r) => `{${Array.from(r.probabilities).join(',')}}`))}::text[])
      as u(document_id, score, probabilities)
    on conflict (document_id) do update set run_id = excluded.run_id, score = excluded.score, probabilities = excluded.probabilities`);
}

/** One scored document as exports write it. */
export interface ScoreRow {
  id: string;
  score: number;
  probabilities: (number | string)[];
}

/**
 * Streams a project's document scores by document through a cursor (call inside a transaction); with `withLength`,
 * each row also carries its text's length in characters (attribute spans need it).
 */
export function streamDocumentScores(db: Tx, projectId: number, pageSize = 10_000, withLength = false) {
  return streamCursor<ScoreRow & { length: number | string }>(
    db,
    'curate_document_scores',
    sql`select d.external_id as id, s.score, s.probabilities, ${withLength ? sql`char_length(d.text)` : sql`0`} as length
        from document_scores s join documents d on d.id = s.document_id
        where s.project_id = ${projectId} order by s.document_id`,
    pageSize,
  );
}

/** Streams what a corpus-wide threshold needs of each scored document (call inside a transaction). */
export function streamCorpusScores(db: Tx, projectId: number, pageSize = 10_000) {
  return streamCursor<{ score: number; tokens: number; source: string | null }>(
    db,
    'curate_corpus_scores',
    sql`select s.score, d.token_estimate as tokens, d.source from document_scores s join documents d on d.id = s.document_id
        where s.project_id = ${projectId}`,
    pageSize,
  );
}

import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { judgeAnswers, judgeRuns, judges, type Judge, type JudgeRun } from '../schema.ts';
import { rowsOf, type Tx } from '../store.ts';

/** The settings an admin gives a judge. */
export type JudgeSettings = Pick<
  typeof judges.$inferInsert,
  | 'name'
  | 'baseUrl'
  | 'model'
  | 'apiKeyEnv'
  | 'temperature'
  | 'maxTokens'
  | 'concurrency'
  | 'timeoutMs'
  | 'promptTemplate'
  | 'priceInputPerMTok'
  | 'priceOutputPerMTok'
  | 'calibrationSampleSize'
>;

/** Adds a judge to a project. */
export async function insertJudge(db: Tx, values: JudgeSettings & { projectId: number; createdBy: number | null }) {
  const [row] = await db.insert(judges).values(values).returning();
  return row;
}

/** Changes a judge's settings. */
export async function updateJudge(db: Tx, judgeId: number, values: Partial<JudgeSettings> & { archivedAt?: Date | null }) {
  const [row] = await db.update(judges).set(values).where(eq(judges.id, judgeId)).returning();
  return row;
}

/** A project's judges, oldest first (archived ones on request). */
export function listJudges(db: Tx, projectId: number, withArchived = false) {
  return db
    .select()
    .from(judges)
    .where(and(eq(judges.projectId, projectId), withArchived ? undefined : isNull(judges.archivedAt)))
    .orderBy(judges.id);
}

/** One judge of a project. */
export async function findJudge(db: Tx, projectId: number, judgeId: number): Promise<Judge | undefined> {
  const [row] = await db
    .select()
    .from(judges)
    .where(and(eq(judges.projectId, projectId), eq(judges.id, judgeId)));
  return row;
}

/** Names of judges by worker key (`judge:<id>`), for the annotator tables. */
export async function judgeNames(db: Tx, workerKeys: string[]) {
  const ids = workerKeys.filter((k) => k.startsWith('judge:')).map((k) => Number(k.slice('judge:'.length)));
  if (!ids.length) return new Map<string, string>();
  const rows = await db.select({ id: judges.id, name: judges.name, model: judges.model }).from(judges).where(inArray(judges.id, ids));
  return new Map(rows.map((r) => [`judge:${r.id}`, `${r.name} (LLM judge, ${r.model})`]));
}

/** Records a run about to start. */
export async function insertJudgeRun(
  db: Tx,
  values: { judgeId: number; projectId: number; scope: 'batch' | 'corpus'; batchId: number | null; total: number; createdBy: number | null },
) {
  const [row] = await db
    .insert(judgeRuns)
    .values({ ...values, status: 'queued' })
    .returning();
  return row;
}

export async function findJudgeRun(db: Tx, runId: number): Promise<JudgeRun | undefined> {
  const [row] = await db.select().from(judgeRuns).where(eq(judgeRuns.id, runId));
  return row;
}

/** A judge's runs, newest first. */
export function listJudgeRuns(db: Tx, judgeId: number, limit = 50) {
  return db.select().from(judgeRuns).where(eq(judgeRuns.judgeId, judgeId)).orderBy(desc(judgeRuns.id)).limit(limit);
}

/** The run of a judge that is queued, running or paused, if any (a judge runs one at a time). */
export async function unfinishedRunOf(db: Tx, judgeId: number) {
  const [row] = await db
    .select()
    .from(judgeRuns)
    .where(and(eq(judgeRuns.judgeId, judgeId), inArray(judgeRuns.status, ['queued', 'running', 'paused'])));
  return row;
}

/** Runs that should be under way: queued, or running (perhaps with no live owner after a crash). */
export function runsToResume(db: Tx) {
  return db
    .select({ id: judgeRuns.id })
    .from(judgeRuns)
    .where(inArray(judgeRuns.status, ['queued', 'running']))
    .orderBy(judgeRuns.id);
}

/** Sets a run's status, unless it is already finished; returns the row as it now is. */
export async function setJudgeRunStatus(
  db: Tx,
  runId: number,
  status: JudgeRun['status'],
  extra: { lastError?: string | null; finished?: boolean; started?: boolean } = {},
) {
  const [row] = await db
    .update(judgeRuns)
    .set({
      status,
      ...(extra.lastError !== undefined ? { lastError: extra.lastError } : {}),
      ...(extra.finished ? { finishedAt: new Date() } : {}),
      ...(extra.started ? { startedAt: sql`coalesce(${judgeRuns.startedAt}, now())` } : {}),
    })
    .where(and(eq(judgeRuns.id, runId), inArray(judgeRuns.status, ['queued', 'running', 'paused'])))
    .returning();
  return row ?? findJudgeRun(db, runId);
}

/** Makes a failed run resumable again (paused, unfinished). */
export async function reopenFailedJudgeRun(db: Tx, runId: number) {
  await db
    .update(judgeRuns)
    .set({ status: 'paused', finishedAt: null })
    .where(and(eq(judgeRuns.id, runId), eq(judgeRuns.status, 'failed')));
}

/** Records how many documents of the scope a finished run left unanswered. */
export async function setJudgeRunFailed(db: Tx, runId: number, failed: number) {
  await db.update(judgeRuns).set({ failed }).where(eq(judgeRuns.id, runId));
}

/** Documents of the scope: a batch's (through its items) or the project's. */
const inScope = (projectId: number, batchId: number | null) =>
  batchId === null ? sql`d.project_id = ${projectId}` : sql`d.id in (select i.document_id from items i where i.batch_id = ${batchId})`;

/** Documents of the scope the judge has not answered yet. */
export async function countUnanswered(db: Tx, judgeId: number, projectId: number, batchId: number | null) {
  const [row] = await rowsOf<{ n: number }>(
    db,
    sql`select count(*)::int as n from documents d
        where ${inScope(projectId, batchId)}
          and not exists (select 1 from judge_answers a where a.judge_id = ${judgeId} and a.document_id = d.id)`,
  );
  return row.n;
}

/** The next unanswered documents of the scope after `afterId`, in id order (keyset paging). */
export function unansweredDocuments(db: Tx, judgeId: number, projectId: number, batchId: number | null, afterId: number, limit: number) {
  return rowsOf<{ id: number; text: string; meta: unknown }>(
    db,
    sql`select d.id, d.text, d.meta from documents d
        where ${inScope(projectId, batchId)} and d.id > ${afterId}
          and not exists (select 1 from judge_answers a where a.judge_id = ${judgeId} and a.document_id = d.id)
        order by d.id limit ${limit}`,
  );
}

/** One document of a project, for a prompt preview. */
export async function documentForPreview(db: Tx, projectId: number, documentId: number | undefined) {
  const [row] = await rowsOf<{ id: number; text: string; meta: unknown }>(
    db,
    sql`select id, text, meta from documents where project_id = ${projectId} ${documentId === undefined ? sql`` : sql`and id = ${documentId}`}
        order by id limit 1`,
  );
  return row;
}

export type NewJudgeAnswer = Omit<typeof judgeAnswers.$inferInsert, 'id' | 'createdAt' | 'judgeId' | 'runId' | 'projectId'>;

/**
 * Stores answers of a run in one transaction: an answer for a document the judge already answered is dropped (the
 * unique index decides, so a resumed run cannot answer twice), the parsed ones become judgments on the document's
 * items, and the run's and judge's counters grow by what was actually stored.
 * @returns the documents stored and the batches whose items got judgments.
 */
export async function recordJudgeAnswers(
  tx: Tx,
  run: Pick<JudgeRun, 'id' | 'judgeId' | 'projectId'>,
  prices: Pick<Judge, 'priceInputPerMTok' | 'priceOutputPerMTok'>,
  answers: NewJudgeAnswer[],
) {
  if (!answers.length) return { stored: 0, unparsed: 0, batches: [] as { batchId: number; itemId: number }[] };
  const stored = await tx
    .insert(judgeAnswers)
    .values(answers.map((a) => ({ ...a, judgeId: run.judgeId, runId: run.id, projectId: run.projectId })))
    .onConflictDoNothing()
    .returning({
      documentId: judgeAnswers.documentId,
      status: judgeAnswers.status,
      tokensIn: judgeAnswers.tokensIn,
      tokensOut: judgeAnswers.tokensOut,
    });
  const parsed = stored.filter((a) => a.status === 'parsed').map((a) => a.documentId);
  const batches = parsed.length ? await materializeJudgeJudgments(tx, run.projectId, { judgeId: run.judgeId, documentIds: parsed }) : [];
  const tokensIn = stored.reduce((s, a) => s + a.tokensIn, 0);
  const tokensOut = stored.reduce((s, a) => s + a.tokensOut, 0);
  const cost = (tokensIn * prices.priceInputPerMTok + tokensOut * prices.priceOutputPerMTok) / 1e6;
  const unparsed = stored.length - parsed.length;
  await tx.execute(sql`update judge_runs set done = done + ${stored.length}, unparsed = unparsed + ${unparsed},
                         tokens_in = tokens_in + ${tokensIn}, tokens_out = tokens_out + ${tokensOut}, cost = cost + ${cost}
                       where id = ${run.id}`);
  await tx.execute(sql`update judges set tokens_in = tokens_in + ${tokensIn}, tokens_out = tokens_out + ${tokensOut}, cost = cost + ${cost}
                       where id = ${run.judgeId}`);
  return { stored: stored.length, unparsed, batches };
}

/**
 * Makes parsed judge answers judgments on every item of their documents that lacks one: after a run, and after
 * a batch is drawn over documents judges have already answered. Each judgment's client id is
 * `judge:<judgeId>:item:<itemId>`, so repeating this never adds a second; no slot is used, so human redundancy (k)
 * and batch progress are untouched.
 * @returns one (batch, item) per batch that got judgments, for the change announcements.
 */
export async function materializeJudgeJudgments(db: Tx, projectId: number, only: { judgeId?: number; documentIds?: number[] } = {}) {
  const rows = await rowsOf<{ batch_id: number; item_id: number }>(
    db,
    sql`with added as (
          insert into judgments (client_id, item_id, project_id, worker_key, kind, value, status)
          select 'judge:' || a.judge_id || ':item:' || i.id, i.id, i.project_id, 'judge:' || a.judge_id, 'label', a.value, 'final'
          from judge_answers a join items i on i.document_id = a.document_id and i.project_id = a.project_id
          where a.project_id = ${projectId} and a.status = 'parsed'
            ${only.judgeId === undefined ? sql`` : sql`and a.judge_id = ${only.judgeId}`}
            ${only.documentIds === undefined ? sql`` : sql`and a.document_id = any(${sql.param(only.documentIds)}::bigint[])`}
          on conflict do nothing
          returning item_id)
        select i.batch_id, min(i.id) as item_id from added join items i on i.id = added.item_id group by i.batch_id`,
  );
  return rows.map((r) => ({ batchId: Number(r.batch_id), itemId: Number(r.item_id) }));
}

/** A run's unparsed answers, newest first, with why (the examples shown beside the count). */
export function unparsedExamples(db: Tx, runId: number, limit = 5) {
  return db
    .select({ documentId: judgeAnswers.documentId, raw: judgeAnswers.raw, parseError: judgeAnswers.parseError })
    .from(judgeAnswers)
    .where(and(eq(judgeAnswers.runId, runId), eq(judgeAnswers.status, 'unparsed')))
    .orderBy(desc(judgeAnswers.id))
    .limit(limit);
}

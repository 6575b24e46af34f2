import { and, eq, inArray, sql } from 'drizzle-orm';
import { crowdAssignments, crowdHits, crowdSubmissions, judgments } from '../schema.ts';
import { rowsOf, type Tx } from '../store.ts';

/** A HIT by the channel's id for it. */
export async function findHitByExternalId(db: Tx, externalId: string) {
  const [hit] = await db.select().from(crowdHits).where(eq(crowdHits.externalId, externalId));
  return hit;
}

/** Records what a worker's browser submitted, before the channel confirms it. */
export async function insertCrowdSubmission(db: Tx, values: typeof crowdSubmissions.$inferInsert) {
  const [row] = await db.insert(crowdSubmissions).values(values).returning();
  return row;
}

/** A submission by its token, with its HIT. */
export async function findSubmissionByToken(db: Tx, token: string) {
  const [row] = await db.select().from(crowdSubmissions).where(eq(crowdSubmissions.token, token));
  return row;
}

/**
 * Confirms a submission: its pending judgments become final under the worker id the channel reported, unless that
 * worker already has a live judgment for the item. Returns how many judgments now count.
 */
export async function confirmSubmission(db: Tx, submissionId: number, workerKey: string) {
  const rows = await rowsOf<{ id: number }>(
    db,
    sql`update judgments j set status = 'final', worker_key = ${workerKey}
        where j.crowd_submission_id = ${submissionId} and j.status = 'pending'
          and not exists (select 1 from judgments o where o.item_id = j.item_id and o.worker_key = ${workerKey} and o.status in ('final', 'pending'))
        returning j.id`,
  );
  await db.update(crowdSubmissions).set({ confirmedAt: new Date() }).where(eq(crowdSubmissions.id, submissionId));
  return rows.length;
}

/** Withdraws the judgments of a rejected assignment's submission. */
export async function rejectSubmissionJudgments(db: Tx, submissionId: number) {
  await db.update(judgments).set({ status: 'rejected' }).where(and(eq(judgments.crowdSubmissionId, submissionId), inArray(judgments.status, ['final', 'pending'])));
}

/** Records (or returns) the assignment the channel reported. */
export async function upsertCrowdAssignment(db: Tx, values: { hitId: number; externalId: string; workerId: string; status: string; submittedAt: Date | null }) {
  await db
    .insert(crowdAssignments)
    .values(values)
    .onConflictDoUpdate({ target: crowdAssignments.externalId, set: { status: sql`excluded.status` } });
  const [row] = await db.select().from(crowdAssignments).where(eq(crowdAssignments.externalId, values.externalId));
  return row;
}

import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { costLedger, crowdAssignments, crowdHits, crowdSubmissions, crowdWorkers, judgments } from '../schema.ts';
import { rowsOf, type Tx } from '../store.ts';

/** A HIT by the channel's id for it. */
export async function findHitByExternalId(db: Tx, externalId: string) {
  const [hit] = await db.select().from(crowdHits).where(eq(crowdHits.externalId, externalId));
  return hit;
}

/** A HIT by our id. */
export async function findHit(db: Tx, id: number) {
  const [hit] = await db.select().from(crowdHits).where(eq(crowdHits.id, id));
  return hit;
}

/** Records what a worker's browser submitted, before the channel confirms it. */
export async function insertCrowdSubmission(db: Tx, values: typeof crowdSubmissions.$inferInsert) {
  const [row] = await db.insert(crowdSubmissions).values(values).returning();
  return row;
}

/** Locks a HIT's row until the transaction ends, so submissions to one HIT are counted and stored one at a time. */
export async function lockHit(db: Tx, hitId: number) {
  await db.execute(sql`select id from crowd_hits where id = ${hitId} for update`);
}

/** How many submissions a HIT holds, confirmed or not. */
export async function countSubmissionsOfHit(db: Tx, hitId: number) {
  const [row] = await rowsOf<{ n: number }>(db, sql`select count(*)::int as n from crowd_submissions where hit_id = ${hitId}`);
  return row.n;
}

/** The submission an assignment of a HIT already sent, a confirmed one first. */
export async function submissionOfHitAssignment(db: Tx, hitId: number, externalAssignmentId: string) {
  const [row] = await db
    .select()
    .from(crowdSubmissions)
    .where(and(eq(crowdSubmissions.hitId, hitId), eq(crowdSubmissions.externalAssignmentId, externalAssignmentId)))
    .orderBy(sql`${crowdSubmissions.confirmedAt} is null`, desc(crowdSubmissions.id))
    .limit(1);
  return row;
}

/** Clears an unconfirmed submission's answers so the ones sent again replace them, under the same token. */
export async function resetSubmission(db: Tx, submissionId: number, claimedWorkerId: string) {
  await db.delete(judgments).where(and(eq(judgments.crowdSubmissionId, submissionId), eq(judgments.status, 'pending')));
  await db.update(crowdSubmissions).set({ claimedWorkerId }).where(eq(crowdSubmissions.id, submissionId));
}

/**
 * Deletes unconfirmed submissions, and their pending judgments, that can never be confirmed: a sync listed the HIT's
 * assignments after the last moment the submission's assignment could have been submitted (accepted no later than
 * the submission reached us or the HIT expired, plus the assignment duration and a grace), and did not find it.
 * Work already submitted to the channel but not synced yet is kept however old it is.
 */
export async function purgeDeadSubmissions(db: Tx, bounds: { unknownDurationSeconds: number; graceSeconds: number }) {
  const [row] = await rowsOf<{ submissions: number; judgments: number }>(
    db,
    sql`with dead as (
          select s.id from crowd_submissions s join crowd_hits h on h.id = s.hit_id
          where s.confirmed_at is null and h.assignments_listed_at is not null
            and h.assignments_listed_at > least(s.created_at, coalesce(h.expires_at, s.created_at))
              + make_interval(secs => coalesce(h.assignment_duration_seconds, ${bounds.unknownDurationSeconds}) + ${bounds.graceSeconds})
        ),
        gone_judgments as (delete from judgments j using dead where j.crowd_submission_id = dead.id returning 1),
        gone_submissions as (delete from crowd_submissions s using dead where s.id = dead.id returning 1)
        select (select count(*)::int from gone_submissions) as submissions, (select count(*)::int from gone_judgments) as judgments`,
  );
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
  await db
    .update(judgments)
    .set({ status: 'rejected' })
    .where(and(eq(judgments.crowdSubmissionId, submissionId), inArray(judgments.status, ['final', 'pending'])));
}

/** Records (or returns) the assignment the channel reported. */
export async function upsertCrowdAssignment(
  db: Tx,
  values: { hitId: number; externalId: string; workerId: string; status: string; submittedAt: Date | null },
) {
  await db
    .insert(crowdAssignments)
    .values(values)
    .onConflictDoUpdate({ target: crowdAssignments.externalId, set: { status: sql`excluded.status` } });
  const [row] = await db.select().from(crowdAssignments).where(eq(crowdAssignments.externalId, values.externalId));
  return row;
}

/** The HITs of a batch (or of a whole project), oldest first. */
export function listHits(db: Tx, where: { batchId?: number; projectId?: number }) {
  const filter = where.batchId !== undefined ? eq(crowdHits.batchId, where.batchId) : eq(crowdHits.projectId, where.projectId!);
  return db.select().from(crowdHits).where(filter).orderBy(crowdHits.id);
}

/** Records a planned HIT once (its token is unique); returns the stored row either way. */
export async function insertPlannedHit(db: Tx, values: typeof crowdHits.$inferInsert) {
  await db.insert(crowdHits).values(values).onConflictDoNothing({ target: crowdHits.uniqueRequestToken });
  const [row] = await db.select().from(crowdHits).where(eq(crowdHits.uniqueRequestToken, values.uniqueRequestToken));
  return row;
}

/** Stores the channel's id for a HIT once it exists there, with when it expires and how long assignments last. */
export async function setHitPublished(db: Tx, hitId: number, externalId: string, timing: { expiresAt: Date; assignmentDurationSeconds: number }) {
  await db
    .update(crowdHits)
    .set({ externalId, status: 'published', ...timing })
    .where(eq(crowdHits.id, hitId));
}

/** Records that a sync listed every assignment the channel held for the HIT at `listedAt`. */
export async function markAssignmentsListed(db: Tx, hitId: number, listedAt: Date) {
  await db.update(crowdHits).set({ assignmentsListedAt: listedAt }).where(eq(crowdHits.id, hitId));
}

/** Changes a HIT's status (e.g. expired). */
export async function setHitStatus(db: Tx, hitId: number, status: string) {
  await db.update(crowdHits).set({ status }).where(eq(crowdHits.id, hitId));
}

/** Records our decision on an assignment before acting on it, so a crash never leads to a different second decision. */
export async function recordDecision(
  db: Tx,
  id: number,
  decision: { decision: 'approve' | 'reject' | 'hold'; reason: string; bonus: string | null; goldCorrect: number; goldTotal: number },
) {
  await db
    .update(crowdAssignments)
    .set({
      decision: decision.decision,
      decisionReason: decision.reason,
      decisionBonus: decision.bonus,
      goldCorrect: decision.goldCorrect,
      goldTotal: decision.goldTotal,
      decisionSyncedAt: null,
    })
    .where(eq(crowdAssignments.id, id));
}

/** Marks a decision as carried out on the channel. */
export async function markDecisionSynced(db: Tx, id: number, status: string) {
  await db.update(crowdAssignments).set({ decisionSyncedAt: new Date(), status }).where(eq(crowdAssignments.id, id));
}

/** An assignment row by id. */
export async function findCrowdAssignment(db: Tx, id: number) {
  const [row] = await db.select().from(crowdAssignments).where(eq(crowdAssignments.id, id));
  return row;
}

/** The submission that arrived for an assignment, confirmed or not. */
export async function submissionOfAssignment(db: Tx, externalAssignmentId: string) {
  const [row] = await db
    .select()
    .from(crowdSubmissions)
    .where(and(eq(crowdSubmissions.externalAssignmentId, externalAssignmentId), sql`${crowdSubmissions.confirmedAt} is not null`));
  return row;
}

/** Every submission stored under a marketplace's assignment or session id, confirmed or not. */
export async function submissionsByExternalAssignment(db: Tx, externalAssignmentId: string) {
  return db.select().from(crowdSubmissions).where(eq(crowdSubmissions.externalAssignmentId, externalAssignmentId));
}

/** A submission's judgments with their items' gold answers, for grading against the review policy. */
export function submissionJudgmentsWithGold(db: Tx, submissionId: number) {
  return rowsOf<{ item_id: number; value: unknown; gold: unknown }>(
    db,
    sql`select j.item_id, j.value, g.answer as gold
        from judgments j join items i on i.id = j.item_id
        left join gold_answers g on g.project_id = i.project_id and g.document_id = i.document_id and i.is_gold
        where j.crowd_submission_id = ${submissionId} and j.status in ('final', 'pending')`,
  );
}

/** Appends a ledger entry once per idempotency key. */
export async function appendLedger(db: Tx, values: typeof costLedger.$inferInsert) {
  const inserted = await db
    .insert(costLedger)
    .values(values)
    .onConflictDoNothing({ target: costLedger.idempotencyKey })
    .returning({ id: costLedger.id });
  return inserted.length > 0;
}

/** Upserts a crowd worker's blocked flag. */
export async function setWorkerBlocked(db: Tx, channel: string, workerId: string) {
  await db
    .insert(crowdWorkers)
    .values({ channel, workerId, blocked: true })
    .onConflictDoUpdate({ target: [crowdWorkers.channel, crowdWorkers.workerId], set: { blocked: true } });
}

/** Project totals: assignments by decision, ledger by kind, and per worker. */
export async function crowdStatus(db: Tx, projectId: number) {
  const [assignments] = await rowsOf<{ submitted: number; approved: number; rejected: number; held: number; pending: number }>(
    db,
    sql`select count(*)::int as submitted,
          count(*) filter (where a.decision = 'approve' and a.decision_synced_at is not null)::int as approved,
          count(*) filter (where a.decision = 'reject' and a.decision_synced_at is not null)::int as rejected,
          count(*) filter (where a.decision = 'hold')::int as held,
          count(*) filter (where a.decision is null or (a.decision <> 'hold' and a.decision_synced_at is null))::int as pending
        from crowd_assignments a join crowd_hits h on h.id = a.hit_id where h.project_id = ${projectId}`,
  );
  const [ledger] = await rowsOf<{ reward: number; fee: number; bonus: number }>(
    db,
    sql`select coalesce(sum(amount_cents) filter (where kind = 'reward'), 0)::int as reward,
               coalesce(sum(amount_cents) filter (where kind = 'fee'), 0)::int as fee,
               coalesce(sum(amount_cents) filter (where kind = 'bonus'), 0)::int as bonus
        from cost_ledger where project_id = ${projectId}`,
  );
  const workers = await rowsOf<{ worker_id: string; assignments: number; approved: number; rejected: number; bonus_cents: number; blocked: boolean }>(
    db,
    sql`select a.worker_id, count(*)::int as assignments,
          count(*) filter (where a.decision = 'approve')::int as approved,
          count(*) filter (where a.decision = 'reject')::int as rejected,
          coalesce((select sum(l.amount_cents) from cost_ledger l where l.project_id = ${projectId} and l.worker_id = a.worker_id and l.kind = 'bonus'), 0)::int as bonus_cents,
          coalesce(bool_or(w.blocked), false) as blocked
        from crowd_assignments a join crowd_hits h on h.id = a.hit_id
        left join crowd_workers w on w.worker_id = a.worker_id and w.channel = h.channel
        where h.project_id = ${projectId} group by a.worker_id order by a.worker_id`,
  );
  return { assignments, ledger, workers };
}

/** Assignments held for a human decision in a project. */
export function heldAssignments(db: Tx, projectId: number) {
  return rowsOf<{
    id: number;
    external_id: string;
    worker_id: string;
    decision_reason: string;
    gold_correct: number | null;
    gold_total: number | null;
  }>(
    db,
    sql`select a.id, a.external_id, a.worker_id, a.decision_reason, a.gold_correct, a.gold_total
        from crowd_assignments a join crowd_hits h on h.id = a.hit_id
        where h.project_id = ${projectId} and a.decision = 'hold' order by a.id`,
  );
}

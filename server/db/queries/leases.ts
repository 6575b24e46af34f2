import { sql } from 'drizzle-orm';
import { rowsOf, type Tx } from '../store.ts';

/** A leased slot with what the labeling screen needs about its item and document. */
export interface LeaseRow {
  slot_id: number;
  item_id: number;
  batch_id: number;
  lease_expires_at: Date;
  swapped: boolean;
  document_id: number;
  is_gold: boolean;
}

const LEASE_COLUMNS = sql`s.id as slot_id, s.item_id, s.batch_id, s.lease_expires_at, s.swapped, i.document_id, i.is_gold`;

/**
 * Renews every lease the annotator still holds in the project (an expired one too, and one the expiry job returned
 * to the pool, while nobody else has taken it), so a reload or a second tab gets the same tasks back instead of new
 * ones. The rows are locked in id order first: two tabs of one annotator renewing the same leases in different
 * orders would otherwise deadlock.
 */
export function renewHeldLeases(db: Tx, projectId: number, userId: number, ttlSeconds: number) {
  return rowsOf<LeaseRow>(
    db,
    sql`with held as (
          select s.id from slots s join batches b on b.id = s.batch_id
          where b.project_id = ${projectId} and b.status = 'open' and s.status in ('leased', 'open') and s.leased_by = ${userId}
          order by s.id
          for update of s
        ), renewed as (
          update slots s set status = 'leased', lease_expires_at = now() + make_interval(secs => ${ttlSeconds})
          from held where s.id = held.id and s.status in ('leased', 'open') and s.leased_by = ${userId}
          returning s.*
        )
        select ${LEASE_COLUMNS} from renewed s join items i on i.id = s.item_id
        order by s.ordinal`,
  );
}

/** A project's open batches, highest priority first (oldest first among equals). */
export async function openBatchIds(db: Tx, projectId: number): Promise<number[]> {
  const rows = await rowsOf<{ id: number }>(
    db,
    sql`select id from batches where project_id = ${projectId} and status = 'open'
          and not exists (select 1 from projects p where p.id = batches.project_id and p.archived_at is not null)
        order by priority desc, id`,
  );
  return rows.map((r) => Number(r.id));
}

/**
 * Leases the next slot for an annotator: batch by batch in priority order, the lowest serving order first, skipping
 * slots other transactions are leasing (SKIP LOCKED) and items the annotator already holds, judged or skipped. The
 * unique (item, holder) index turns any race this loses into an error the caller retries, never a double lease.
 */
export async function leaseNextSlot(db: Tx, projectId: number, userId: number, workerKey: string, ttlSeconds: number) {
  for (const batchId of await openBatchIds(db, projectId)) {
    const [lease] = await rowsOf<LeaseRow>(db, leaseNextSlotSql(batchId, userId, workerKey, ttlSeconds));
    if (lease) return lease;
  }
  return undefined;
}

/**
 * The lease statement for one batch. It walks the partial serving index in order and stops at the first slot it may
 * take, so its cost depends on how many slots are busy ahead of it, not on the size of the batch. Exported so
 * benchmarks can issue the very same SQL without the app around it.
 */
export function leaseNextSlotSql(batchId: number, userId: number, workerKey: string, ttlSeconds: number) {
  return sql`with next as (
          select s.id from slots s
          where s.batch_id = ${batchId} and s.status <> 'done' and s.channel = 'inhouse'
            and (s.status = 'open' or s.lease_expires_at < now())
            -- Uncorrelated, so each runs once per statement as a hashed set, whatever the planner's statistics say.
            and s.item_id not in (select o.item_id from slots o where o.leased_by = ${userId})
            -- The project is named so judgments_worker_idx reads this annotator's judgments alone.
            and s.item_id not in (select j.item_id from judgments j where j.project_id = (select b.project_id from batches b where b.id = ${batchId})
                                    and j.worker_key = ${workerKey} and j.status <> 'undone')
            -- Withdrawn for staff: the task type cannot show their documents (few rows, read through items_project_idx).
            and s.item_id not in (select i.id from items i where i.project_id = (select b.project_id from batches b where b.id = ${batchId}) and i.status = 'broken')
          order by s.ordinal
          limit 1
          for update skip locked
        ), leased as (
          update slots s set status = 'leased', leased_by = ${userId}, lease_expires_at = now() + make_interval(secs => ${ttlSeconds})
          from next where s.id = next.id
          returning s.*
        )
        select ${LEASE_COLUMNS} from leased s join items i on i.id = s.item_id`;
}

/**
 * Extends one lease the annotator holds (also one the expiry job returned while nobody else took it); undefined when
 * it is no longer theirs.
 */
export async function renewLease(db: Tx, slotId: number, userId: number, ttlSeconds: number) {
  const rows = await rowsOf<{ lease_expires_at: Date }>(
    db,
    sql`update slots set status = 'leased', lease_expires_at = now() + make_interval(secs => ${ttlSeconds})
        where id = ${slotId} and leased_by = ${userId} and status in ('leased', 'open') returning lease_expires_at`,
  );
  return rows[0]?.lease_expires_at;
}

/** Frees a lease (skip, flag), expired or not: the slot goes back to the pool for other annotators. */
export async function releaseLease(db: Tx, slotId: number, userId: number) {
  await db.execute(sql`update slots set status = 'open', leased_by = null, lease_expires_at = null
                       where id = ${slotId} and leased_by = ${userId} and status in ('leased', 'open')`);
}

/**
 * Returns expired leases to the pool (housekeeping; leasing already treats them as free). The last holder stays
 * recorded until someone else takes the slot: it is what lets that annotator's late submit and next lease call
 * re-claim the slot (see submit-judgment.ts), and it never keeps the slot from others.
 */
export async function expireLeases(db: Tx): Promise<number> {
  const rows = await rowsOf<{ n: number }>(
    db,
    sql`with expired as (
          update slots set status = 'open', lease_expires_at = null
          where status = 'leased' and lease_expires_at < now() returning 1
        ) select count(*)::int as n from expired`,
  );
  return rows[0].n;
}

/** The project's open in-house batches, as a CTE both progress queries start from. */
const openInhouseBatches = (projectId: number) =>
  sql`batch as (select id from batches where project_id = ${projectId} and status = 'open' and channel = 'inhouse')`;

/** A slot another annotator could be served now: free or expired, in house, on an item that is not withdrawn. */
const AVAILABLE_SLOT = sql`s.batch_id in (select id from batch) and s.channel = 'inhouse' and i.status <> 'broken'
              and (s.status = 'open' or (s.status = 'leased' and s.lease_expires_at < now()))`;

/**
 * The part of labeling progress every annotator of the project shares: items in the open in-house batches, how
 * many are done (complete or past it; a broken one is neither), and how many have a slot anyone could be served.
 * It reads every open slot, so its cost grows with the batch (see commands/labeling-progress.ts for its cache).
 */
export async function sharedLabelingProgress(db: Tx, projectId: number) {
  const [row] = await rowsOf<{ items: number; done: number; available: number }>(
    db,
    sql`with ${openInhouseBatches(projectId)}
        select
          (select count(*)::int from items i where i.batch_id in (select id from batch)) as items,
          (select count(*)::int from items i where i.batch_id in (select id from batch) and i.status not in ('open', 'broken')) as done,
          (select count(distinct s.item_id)::int from slots s join items i on i.id = s.item_id where ${AVAILABLE_SLOT}) as available`,
  );
  return row;
}

/**
 * The annotator's own part: the slots they hold in the open batches, how many of the shared available items are
 * closed to them (held by them now or before, or judged by them), and how many labels they have given in the project
 * (as countLabelsOf, in the same round trip). Reads only their own slots and judgments.
 */
export async function ownLabelingProgress(db: Tx, projectId: number, userId: number, workerKey: string) {
  const [row] = await rowsOf<{ held: number; closed: number; labeled: number }>(
    db,
    sql`with ${openInhouseBatches(projectId)}, mine as (
          select o.item_id from slots o where o.leased_by = ${userId}
          union
          select j.item_id from judgments j where j.project_id = ${projectId} and j.worker_key = ${workerKey} and j.status <> 'undone'
        )
        select
          (select count(*)::int from slots s where s.batch_id in (select id from batch) and s.leased_by = ${userId} and s.status in ('leased', 'open')) as held,
          (select count(distinct s.item_id)::int from slots s join items i on i.id = s.item_id
            where s.item_id in (select item_id from mine) and ${AVAILABLE_SLOT}) as closed,
          (select count(*)::int from judgments j
            where j.project_id = ${projectId} and j.worker_key = ${workerKey} and j.kind = 'label' and j.status = 'final') as labeled`,
  );
  return row;
}

/** Labeling progress as the annotator sees it, from the shared and their own part. */
export function combineLabelingProgress(
  shared: Awaited<ReturnType<typeof sharedLabelingProgress>>,
  own: Awaited<ReturnType<typeof ownLabelingProgress>>,
) {
  // A shared part read a moment before the annotator's own can be behind it; the work left is never negative.
  return { items: shared.items, itemsDone: shared.done, leftForYou: own.held + Math.max(0, shared.available - own.closed) };
}

/**
 * Work in the project's open in-house batches as one annotator sees it: items and how many are done (complete or
 * past it; a broken one is neither), and the tasks still ahead of them (held now, or free to lease: not yet judged
 * or held by them, on an item that is not withdrawn).
 */
export async function labelingProgress(db: Tx, projectId: number, userId: number, workerKey: string) {
  const [shared, own] = await Promise.all([sharedLabelingProgress(db, projectId), ownLabelingProgress(db, projectId, userId, workerKey)]);
  return combineLabelingProgress(shared, own);
}

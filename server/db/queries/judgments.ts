import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { batches, judgments, slots, items } from '../schema.ts';
import { rowsOf, type Tx } from '../store.ts';

export type JudgmentRow = typeof judgments.$inferSelect;

/** The judgment a client id already produced, if any (idempotent submit). */
export async function findJudgmentByClientId(db: Tx, clientId: string) {
  const [row] = await db.select().from(judgments).where(eq(judgments.clientId, clientId));
  return row;
}

/** Inserts a judgment. */
export async function insertJudgment(db: Tx, values: typeof judgments.$inferInsert) {
  const [row] = await db.insert(judgments).values(values).returning();
  return row;
}

/** Locks a slot row for the rest of the transaction and returns it with its item. */
export async function lockSlot(db: Tx, slotId: number) {
  const rows = await rowsOf<{
    id: number;
    item_id: number;
    batch_id: number;
    status: 'open' | 'leased' | 'done';
    leased_by: number | null;
    lease_expires_at: Date | null;
    swapped: boolean;
  }>(db, sql`select id, item_id, batch_id, status, leased_by, lease_expires_at, swapped from slots where id = ${slotId} for update`);
  return rows[0];
}

/**
 * Locks a slot and its item for a submit, and reads its batch. Holding the item serializes the submits of one item,
 * so the last of them sees every other slot done and marks the item complete; checked concurrently, each would see
 * the other's slot still open and the item would stay open for good (and never reach review). Holding the slot makes
 * the submit's lease check and a concurrent lease of the same slot take turns.
 */
export async function lockSlotAndItem(db: Tx, slotId: number) {
  const [row] = await db
    .select({ slot: slots, item: items, batch: { projectId: batches.projectId, status: batches.status } })
    .from(slots)
    .innerJoin(items, eq(items.id, slots.itemId))
    .innerJoin(batches, eq(batches.id, slots.batchId))
    .where(eq(slots.id, slotId))
    .for('update', { of: [slots, items] });
  return row;
}

/** Marks a slot done by the annotator. */
export async function completeSlot(db: Tx, slotId: number, userId: number) {
  await db.update(slots).set({ status: 'done', leasedBy: userId, leaseExpiresAt: null }).where(eq(slots.id, slotId));
}

/** Marks the item complete when all its slots are done; returns whether it is now complete. */
export async function completeItemIfFull(db: Tx, itemId: number): Promise<boolean> {
  return (await rowsOf<{ id: number }>(db, completeItemIfFullSql(itemId))).length > 0;
}

/** The statement behind completeItemIfFull (benchmarks issue it directly). */
export function completeItemIfFullSql(itemId: number) {
  return sql`update items set status = 'complete' where id = ${itemId} and status = 'open'
        and not exists (select 1 from slots where item_id = ${itemId} and status <> 'done') returning id`;
}

/** The annotator's latest live label in a project (the one `undo` withdraws). */
export async function latestLabelOf(db: Tx, projectId: number, workerKey: string) {
  const [row] = await db
    .select()
    .from(judgments)
    .where(and(eq(judgments.projectId, projectId), eq(judgments.workerKey, workerKey), eq(judgments.kind, 'label'), eq(judgments.status, 'final')))
    .orderBy(desc(judgments.id))
    .limit(1);
  return row;
}

/** Withdraws a judgment and gives its slot back to its author, leased again, with its item reopened. */
export async function undoJudgment(db: Tx, judgment: JudgmentRow, userId: number, ttlSeconds: number) {
  await db.update(judgments).set({ status: 'undone' }).where(eq(judgments.id, judgment.id));
  if (judgment.slotId) {
    await db.execute(sql`update slots set status = 'leased', leased_by = ${userId}, lease_expires_at = now() + make_interval(secs => ${ttlSeconds})
                         where id = ${judgment.slotId}`);
  }
  await db
    .update(items)
    .set({ status: 'open' })
    .where(and(eq(items.id, judgment.itemId), eq(items.status, 'complete')));
}

/** All final judgments of some items, for review side by side (crowd work the channel has not confirmed is not shown). */
export function judgmentsOfItems(db: Tx, itemIds: number[]) {
  if (!itemIds.length) return Promise.resolve([] as JudgmentRow[]);
  return db
    .select()
    .from(judgments)
    .where(and(inArray(judgments.itemId, itemIds), eq(judgments.status, 'final')))
    .orderBy(judgments.id);
}

/** How many labels the annotator has given in a project (the session counter starts from it). */
export async function countLabelsOf(db: Tx, projectId: number, workerKey: string) {
  const [row] = await rowsOf<{ n: number }>(
    db,
    sql`select count(*)::int as n from judgments where project_id = ${projectId} and worker_key = ${workerKey} and kind = 'label' and status = 'final'`,
  );
  return row.n;
}

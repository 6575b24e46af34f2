import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { adjudications, documents, flags, goldAnswers, items, slots } from '../schema.ts';
import { rowsOf, type Tx } from '../store.ts';

/** Documents by id (for building task payloads). */
export function documentsByIds(db: Tx, ids: number[]) {
  if (!ids.length) return Promise.resolve([] as (typeof documents.$inferSelect)[]);
  return db.select().from(documents).where(inArray(documents.id, ids));
}

/** An item with its project id. */
export async function findItem(db: Tx, id: number) {
  const [item] = await db.select().from(items).where(eq(items.id, id));
  return item;
}

/** The item a slot belongs to. */
export async function findItemBySlot(db: Tx, slotId: number) {
  const [row] = await db.select({ item: items }).from(slots).innerJoin(items, eq(items.id, slots.itemId)).where(eq(slots.id, slotId));
  return row?.item;
}

/** The gold answer for a document, if any. */
export async function findGoldAnswer(db: Tx, projectId: number, documentId: number) {
  const [row] = await db
    .select()
    .from(goldAnswers)
    .where(and(eq(goldAnswers.projectId, projectId), eq(goldAnswers.documentId, documentId)));
  return row;
}

/** Sets (or replaces) gold answers for documents of a project. */
export async function upsertGoldAnswers(
  db: Tx,
  rows: { projectId: number; documentId: number; answer: unknown; source: 'import' | 'reviewer'; createdBy: number }[],
) {
  if (!rows.length) return;
  await db
    .insert(goldAnswers)
    .values(rows)
    .onConflictDoUpdate({
      target: [goldAnswers.projectId, goldAnswers.documentId],
      set: { answer: sql`excluded.answer`, source: sql`excluded.source`, createdBy: sql`excluded.created_by` },
    });
}

/** Document ids of a project by external id. */
export async function documentIdsByExternalId(db: Tx, projectId: number, externalIds: string[]) {
  if (!externalIds.length) return new Map<string, number>();
  const rows = await db
    .select({ id: documents.id, externalId: documents.externalId })
    .from(documents)
    .where(and(eq(documents.projectId, projectId), inArray(documents.externalId, externalIds)));
  return new Map(rows.map((r) => [r.externalId, r.id]));
}

/** Records an annotator's flag on an item. */
export async function insertFlag(db: Tx, values: typeof flags.$inferInsert) {
  const [row] = await db.insert(flags).values(values).returning();
  return row;
}

/** Sends an item to the review queue (unless it was already adjudicated). */
export async function markItemForReview(db: Tx, itemId: number) {
  await db
    .update(items)
    .set({ status: 'review' })
    .where(and(eq(items.id, itemId), sql`${items.status} <> 'adjudicated'`));
}

/**
 * Withdraws an item from serving because its document cannot be shown; true only for the call that withdrew it, so
 * concurrent discoveries of one broken item record one flag.
 */
export async function markItemBroken(db: Tx, itemId: number): Promise<boolean> {
  const rows = await db
    .update(items)
    .set({ status: 'broken' })
    .where(and(eq(items.id, itemId), sql`${items.status} <> 'broken'`))
    .returning({ id: items.id });
  return rows.length > 0;
}

/** Item statuses that wait for staff: under review, or withdrawn as broken. */
const AWAITING_STAFF = sql`i.status in ('review', 'broken')`;

/**
 * A page of the items waiting for staff in a project, oldest first, with their open flags: under review, or
 * withdrawn as broken. Keyset-paged by item id, so adjudicating items of one page does not shift the next.
 */
export function reviewQueue(db: Tx, projectId: number, page: { after: number; limit: number }) {
  return rowsOf<{
    item_id: number;
    document_id: number;
    batch_id: number;
    is_gold: boolean;
    flags: { reason: string; note: string; userId: number }[] | null;
  }>(
    db,
    sql`select i.id as item_id, i.document_id, i.batch_id, i.is_gold,
          (select json_agg(json_build_object('reason', f.reason, 'note', f.note, 'userId', f.user_id))
             from flags f where f.item_id = i.id and f.resolved_at is null) as flags
        from items i where i.project_id = ${projectId} and ${AWAITING_STAFF} and i.id > ${page.after}
        order by i.id limit ${page.limit}`,
  );
}

/** How many items wait for staff in a project: the review queue's true size, not one page of it. */
export async function countReviewQueue(db: Tx, projectId: number): Promise<number> {
  const [row] = await rowsOf<{ n: number }>(db, sql`select count(*)::int as n from items i where i.project_id = ${projectId} and ${AWAITING_STAFF}`);
  return row.n;
}

/** Records the final answer for an item and resolves its flags. */
export async function adjudicate(db: Tx, values: { itemId: number; reviewerId: number; answer: unknown; promotedToGold: boolean }) {
  await db
    .insert(adjudications)
    .values(values)
    .onConflictDoUpdate({
      target: adjudications.itemId,
      set: { answer: sql`excluded.answer`, reviewerId: sql`excluded.reviewer_id`, promotedToGold: sql`excluded.promoted_to_gold` },
    });
  await db.update(items).set({ status: 'adjudicated' }).where(eq(items.id, values.itemId));
  await db
    .update(flags)
    .set({ resolvedAt: new Date() })
    .where(and(eq(flags.itemId, values.itemId), isNull(flags.resolvedAt)));
}

/** A project's items withdrawn as broken, with the documents the task type could not show. */
export function brokenItemsWithDocuments(db: Tx, projectId: number) {
  return rowsOf<{ item_id: number; text: string; meta: unknown }>(
    db,
    sql`select i.id as item_id, d.text, d.meta from items i join documents d on d.id = i.document_id
        where i.project_id = ${projectId} and i.status = 'broken'`,
  );
}

/**
 * Puts broken items back into serving and resolves the 'broken' flags the lease recorded for them (those with no
 * author); a flag an annotator raised stays for staff.
 */
export async function restoreBrokenItems(db: Tx, itemIds: number[]) {
  if (!itemIds.length) return;
  await db
    .update(items)
    .set({ status: 'open' })
    .where(and(inArray(items.id, itemIds), eq(items.status, 'broken')));
  await db
    .update(flags)
    .set({ resolvedAt: new Date() })
    .where(and(inArray(flags.itemId, itemIds), eq(flags.reason, 'broken'), isNull(flags.userId), isNull(flags.resolvedAt)));
}

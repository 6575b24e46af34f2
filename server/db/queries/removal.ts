import { and, count, inArray, not, sql, type SQL } from 'drizzle-orm';
import { documents, goldAnswers } from '../schema.ts';
import { rowsOf, type Tx } from '../store.ts';

/** What a batch or project holds that deleting it would lose beyond its own rows: judgments, crowd work, money. */
export interface Holdings {
  judgments: number;
  crowdHits: number;
  ledgerEntries: number;
}

/** What is recorded against one batch (crowd money is recorded per HIT, so a batch's ledger is its HITs'). */
export async function batchHoldings(db: Tx, batchId: number): Promise<Holdings> {
  const [row] = await rowsOf<Holdings>(
    db,
    sql`select
          (select count(*)::int from judgments j join items i on i.id = j.item_id where i.batch_id = ${batchId}) as "judgments",
          (select count(*)::int from crowd_hits h where h.batch_id = ${batchId}) as "crowdHits",
          (select count(*)::int from cost_ledger c join crowd_hits h on h.id = c.hit_id where h.batch_id = ${batchId}) as "ledgerEntries"`,
  );
  return row;
}

/** What is recorded against one project. */
export async function projectHoldings(db: Tx, projectId: number): Promise<Holdings> {
  const [row] = await rowsOf<Holdings>(
    db,
    sql`select
          (select count(*)::int from judgments j where j.project_id = ${projectId}) as "judgments",
          (select count(*)::int from crowd_hits h where h.project_id = ${projectId}) as "crowdHits",
          (select count(*)::int from cost_ledger c where c.project_id = ${projectId}) as "ledgerEntries"`,
  );
  return row;
}

/** Marks a project archived (`at` a time) or live again (`at` null). */
export async function setProjectArchived(db: Tx, projectId: number, archived: boolean) {
  await db.execute(sql`update projects set archived_at = ${archived ? sql`now()` : sql`null`} where id = ${projectId}`);
}

/** Marks a batch archived, which also closes it to leasing, or live again (still closed: opening it is a choice). */
export async function setBatchArchived(db: Tx, batchId: number, archived: boolean) {
  await db.execute(
    archived
      ? sql`update batches set archived_at = now(), status = case when status = 'open' then 'closed' else status end where id = ${batchId}`
      : sql`update batches set archived_at = null where id = ${batchId}`,
  );
}

/** Deletes the rows that hang off the items the condition picks (the condition is on `i`, an items alias). */
async function deleteItemRows(db: Tx, itemsWhere: SQL) {
  const picked = sql`(select i.id from items i where ${itemsWhere})`;
  await db.execute(sql`delete from flags where item_id in ${picked}`);
  await db.execute(sql`delete from adjudications where item_id in ${picked}`);
  await db.execute(sql`delete from aggregates where item_id in ${picked}`);
  await db.execute(sql`delete from slots where item_id in ${picked}`);
  const [row] = await rowsOf<{ n: number }>(
    db,
    sql`with gone as (delete from items i where ${itemsWhere} returning 1) select count(*)::int as n from gone`,
  );
  return row.n;
}

/** Deletes a batch that holds no judgments or crowd work, with its items and slots. Returns the items removed. */
export async function deleteBatchRows(db: Tx, batchId: number): Promise<{ items: number }> {
  const items = await deleteItemRows(db, sql`i.batch_id = ${batchId}`);
  await db.execute(sql`delete from batches where id = ${batchId}`);
  return { items };
}

/**
 * Deletes a project that holds no judgments, crowd work or money, with everything under it: batches, items, slots,
 * documents, imports, gold answers, members and statistics. Returns what it removed.
 */
export async function deleteProjectRows(db: Tx, projectId: number): Promise<{ items: number; batches: number; documents: number }> {
  const items = await deleteItemRows(db, sql`i.project_id = ${projectId}`);
  const count = async (statement: SQL) =>
    (await rowsOf<{ n: number }>(db, sql`with gone as (${statement} returning 1) select count(*)::int as n from gone`))[0].n;
  const batches = await count(sql`delete from batches where project_id = ${projectId}`);
  await db.execute(sql`delete from gold_answers where project_id = ${projectId}`);
  await db.execute(sql`delete from flags where document_id in (select id from documents where project_id = ${projectId})`);
  const documents = await count(sql`delete from documents where project_id = ${projectId}`);
  await db.execute(sql`delete from imports where project_id = ${projectId}`);
  await db.execute(sql`delete from annotator_stats where project_id = ${projectId}`);
  await db.execute(sql`delete from project_members where project_id = ${projectId}`);
  await db.execute(sql`delete from projects where id = ${projectId}`);
  return { items, batches, documents };
}

/**
 * Deletes the documents the conditions pick that no batch uses, with their gold answers; documents in a batch stay
 * (their items and judgments refer to them). Returns how many were deleted and how many were kept for being in a batch.
 */
export async function deleteUnbatchedDocuments(db: Tx, conditions: SQL[]): Promise<{ deleted: number; inBatch: number }> {
  const used = sql`exists (select 1 from items i where i.document_id = ${documents.id})`;
  const [{ inBatch }] = await db
    .select({ inBatch: count() })
    .from(documents)
    .where(and(...conditions, used));
  const unused = and(...conditions, not(used));
  await db.delete(goldAnswers).where(inArray(goldAnswers.documentId, db.select({ id: documents.id }).from(documents).where(unused)));
  const gone = await db.delete(documents).where(unused).returning({ id: documents.id });
  return { deleted: gone.length, inBatch };
}

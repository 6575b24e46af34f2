import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import { batches } from '../schema.ts';
import { rowsOf, type Tx } from '../store.ts';
import { LENGTH_BUCKETS } from '../../sampling/length-buckets.ts';

/** What a batch samples on: a document column, a meta key, or the token-length bucket. */
export type StratumKey = { kind: 'none' } | { kind: 'field'; field: string } | { kind: 'length' };

const NONE = '(none)';

/** The SQL value of a document's stratum (`d` is the documents row). */
export function stratumExpression(key: StratumKey): SQL {
  if (key.kind === 'none') return sql`'all'`;
  if (key.kind === 'length') {
    const cases = LENGTH_BUCKETS.map((b) =>
      b.max === null
        ? sql`when d.token_estimate >= ${b.min} then ${b.key}`
        : sql`when d.token_estimate >= ${b.min} and d.token_estimate < ${b.max} then ${b.key}`,
    );
    return sql`(case ${sql.join(cases, sql` `)} end)`;
  }
  if (key.field === 'source') return sql`coalesce(d.source, ${NONE})`;
  if (key.field === 'lang') return sql`coalesce(d.lang, ${NONE})`;
  return sql`coalesce(d.meta ->> ${key.field}, ${NONE})`;
}

/** Documents a batch may sample (`d` is the documents row). */
export function candidateFilter(projectId: number, excludeUsed: boolean): SQL {
  // Gold documents are served only as gold items, never sampled as ordinary ones.
  return sql`d.project_id = ${projectId}
    and not exists (select 1 from gold_answers g where g.project_id = d.project_id and g.document_id = d.id)
    ${excludeUsed ? sql`and not exists (select 1 from items i where i.document_id = d.id)` : sql``}`;
}

/** Candidate documents per stratum. */
export function countCandidatesByStratum(db: Tx, projectId: number, key: StratumKey, excludeUsed: boolean) {
  const expr = stratumExpression(key);
  return rowsOf<{ key: string; n: number }>(
    db,
    sql`select ${expr} as key, count(*)::int as n from documents d where ${candidateFilter(projectId, excludeUsed)} group by 1 order by 1`,
  );
}

/**
 * Draws n candidate documents of one stratum in a seeded pseudo-random order (md5 of id and seed), so the same
 * seed always gives the same sample, and no document list is ever held in memory.
 */
export async function sampleStratum(db: Tx, projectId: number, key: StratumKey, value: string, n: number, seed: number, excludeUsed: boolean) {
  const rows = await rowsOf<{ id: number }>(
    db,
    sql`select d.id from documents d
        where ${candidateFilter(projectId, excludeUsed)} and ${stratumExpression(key)} = ${value}
        order by md5(d.id::text || ':' || ${seed}::text) limit ${n}`,
  );
  return rows.map((r) => Number(r.id));
}

/** Draws up to n gold documents in seeded order. */
export async function sampleGoldDocuments(db: Tx, projectId: number, n: number, seed: number) {
  const rows = await rowsOf<{ id: number }>(
    db,
    sql`select document_id as id from gold_answers where project_id = ${projectId}
        order by md5(document_id::text || ':gold:' || ${seed}::text) limit ${n}`,
  );
  return rows.map((r) => Number(r.id));
}

/** Inserts a batch row. */
export async function insertBatch(db: Tx, values: typeof batches.$inferInsert) {
  const [batch] = await db.insert(batches).values(values).returning();
  return batch;
}

/**
 * Inserts the batch's items and k slots per item in two set-based statements. Slots are ordered breadth-first
 * (every item's first slot before any item's second), with items in a seeded shuffled order so gold items are
 * spread through the batch; pairwise display order is a seeded coin per slot.
 */
export async function insertItemsAndSlots(
  db: Tx,
  batch: { id: number; projectId: number; seed: number; channel: 'inhouse' | 'crowd' },
  documents: { documentId: number; isGold: boolean }[],
  k: number,
) {
  await db.execute(sql`
    insert into items (batch_id, project_id, document_id, is_gold, target_k)
    select ${batch.id}, ${batch.projectId}, u.document_id, u.is_gold, ${k}
    from unnest(${sql.param(documents.map((d) => d.documentId))}::bigint[], ${sql.param(documents.map((d) => d.isGold))}::boolean[])
      as u(document_id, is_gold)`);
  await db.execute(sql`
    insert into slots (item_id, batch_id, ordinal, swapped, channel)
    select r.id, ${batch.id}, round_no * ${documents.length} + r.rank, substr(md5(r.id::text || ':' || round_no || ':' || ${batch.seed}::text), 1, 1) < '8', ${batch.channel}
    from (
      select i.id, (row_number() over (order by md5(i.id::text || ':' || ${batch.seed}::text)))::int as rank
      from items i where i.batch_id = ${batch.id}
    ) r cross join generate_series(0, ${k - 1}) as round_no`);
}

/** A batch by id. */
export async function findBatch(db: Tx, id: number) {
  const [batch] = await db.select().from(batches).where(eq(batches.id, id));
  return batch;
}

/** A project's batches, newest first. */
export function listBatches(db: Tx, projectId: number) {
  return db.select().from(batches).where(eq(batches.projectId, projectId)).orderBy(desc(batches.id));
}

/** Opens or closes a batch. */
export async function setBatchStatus(db: Tx, id: number, status: 'open' | 'closed') {
  const [batch] = await db
    .update(batches)
    .set({ status })
    .where(and(eq(batches.id, id)))
    .returning();
  return batch;
}

/**
 * Slot and item counts of a batch, and human judgments in the last minute (LLM judges' are not the team's pace). An item withdrawn as broken (its document cannot
 * be shown) is neither complete nor open: it is counted apart, and its free slots, which nobody is served, with it.
 */
export async function batchProgress(db: Tx, batchId: number) {
  const [row] = await rowsOf<{
    open: number;
    leased: number;
    done: number;
    items: number;
    items_complete: number;
    items_broken: number;
    per_minute: number;
  }>(
    db,
    sql`with broken as (select i.id from items i where i.batch_id = ${batchId} and i.status = 'broken')
    select
      (select count(*)::int from slots s where s.batch_id = ${batchId} and s.item_id not in (select id from broken)
         and (s.status = 'open' or (s.status = 'leased' and s.lease_expires_at < now()))) as open,
      (select count(*)::int from slots s where s.batch_id = ${batchId} and s.status = 'leased' and s.lease_expires_at >= now()) as leased,
      (select count(*)::int from slots s where s.batch_id = ${batchId} and s.status = 'done') as done,
      (select count(*)::int from items i where i.batch_id = ${batchId}) as items,
      (select count(*)::int from items i where i.batch_id = ${batchId} and i.status not in ('open', 'broken')) as items_complete,
      (select count(*)::int from broken) as items_broken,
      (select count(*)::int from judgments j join items i on i.id = j.item_id
         where i.batch_id = ${batchId} and j.kind = 'label' and j.status = 'final' and j.created_at > now() - interval '1 minute'
           and j.worker_key not like 'judge:%') as per_minute`,
  );
  return {
    batchId,
    open: row.open,
    leased: row.leased,
    done: row.done,
    items: row.items,
    itemsComplete: row.items_complete,
    itemsBroken: row.items_broken,
    judgmentsPerMinute: row.per_minute,
  };
}

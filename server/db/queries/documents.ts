import { and, asc, count, eq, gt, ilike, or, sql, type SQL } from 'drizzle-orm';
import { adjudications, aggregates, batches, documentCounts, documents, items, judgments, users } from '../schema.ts';
import { rowsOf, type Tx } from '../store.ts';
import type { NormalizedDocument } from '../../import/normalize-record.ts';
import type { ListDocumentsQuery } from '../../routes/documents.schema.ts';

/**
 * Inserts a chunk of documents in one statement (arrays through unnest, not one row per statement), skipping exact
 * duplicates of the project's existing or same-chunk documents. Returns how many rows were inserted.
 */
export async function insertDocumentChunk(db: Tx, projectId: number, importId: number, docs: NormalizedDocument[]): Promise<number> {
  if (!docs.length) return 0;
  const rows = await rowsOf<{ n: number }>(
    db,
    sql`with inserted as (
      insert into documents (project_id, import_id, external_id, content_hash, text, meta, source, url, lang, token_estimate)
      select ${projectId}, ${importId}, u.* from unnest(
        ${sql.param(docs.map((d) => d.externalId))}::text[], ${sql.param(docs.map((d) => d.contentHash))}::text[],
        ${sql.param(docs.map((d) => d.text))}::text[], ${sql.param(docs.map((d) => JSON.stringify(d.meta)))}::jsonb[],
        ${sql.param(docs.map((d) => d.source))}::text[], ${sql.param(docs.map((d) => d.url))}::text[],
        ${sql.param(docs.map((d) => d.lang))}::text[], ${sql.param(docs.map((d) => d.tokenEstimate))}::int[]
      ) as u
      on conflict (project_id, content_hash) do nothing
      returning 1
    ) select count(*)::int as n from inserted`,
  );
  return rows[0].n;
}

/** What narrows a project's documents: free text (id, text or source), and exact source, lang and meta values. */
export type DocumentFilters = Pick<ListDocumentsQuery, 'search' | 'source' | 'lang' | 'meta'>;

/** The conditions on `documents` that pick a project's documents matching the filters. */
export function filterConditions(projectId: number, filters: DocumentFilters): SQL[] {
  const conditions = [eq(documents.projectId, projectId)];
  if (filters.search) {
    const pattern = `%${filters.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(or(ilike(documents.externalId, pattern), ilike(documents.text, pattern), ilike(documents.source, pattern))!);
  }
  if (filters.source) conditions.push(eq(documents.source, filters.source));
  if (filters.lang) conditions.push(eq(documents.lang, filters.lang));
  // The path travels as a text[] parameter, never spliced into the statement.
  for (const { path, value } of filters.meta) conditions.push(sql`${documents.meta} #>> ${sql.param(path)}::text[] = ${value}`);
  return conditions;
}

/** Whether anything narrows the list (otherwise its match count is the project's total). */
export function isFiltered(filters: DocumentFilters): boolean {
  return Boolean(filters.search || filters.source || filters.lang || filters.meta.length);
}

/** A page of a project's documents, keyset-paged by id, narrowed by the filters. */
export function listDocuments(db: Tx, projectId: number, page: DocumentFilters & { after: number; limit: number }) {
  return db
    .select()
    .from(documents)
    .where(and(...filterConditions(projectId, page), gt(documents.id, page.after)))
    .orderBy(asc(documents.id))
    .limit(page.limit);
}

/**
 * How many of a project's documents the filters match, over every page. A filter on source alone is read from the
 * project's counts (flat however large the corpus); other filters count the matching documents.
 */
export async function countDocuments(db: Tx, projectId: number, filters: DocumentFilters): Promise<number> {
  if (filters.source && !filters.search && !filters.lang && !filters.meta.length) {
    const [row] = await rowsOf<{ n: number }>(
      db,
      sql`select coalesce(sum(n), 0)::float8 as n from ${documentCounts} where project_id = ${projectId} and source = ${filters.source}`,
    );
    return row.n;
  }
  const [row] = await db
    .select({ n: count() })
    .from(documents)
    .where(and(...filterConditions(projectId, filters)));
  return row.n;
}

/** One document of a project, or undefined (a document of another project is not found either). */
export async function findDocument(db: Tx, projectId: number, documentId: number) {
  const [doc] = await db
    .select()
    .from(documents)
    .where(and(eq(documents.projectId, projectId), eq(documents.id, documentId)));
  return doc;
}

/** The items made of a document, with their batch's name, aggregate result and adjudicated answer if any. */
export function itemsOfDocument(db: Tx, documentId: number) {
  return db
    .select({
      id: items.id,
      batchId: items.batchId,
      batchName: batches.name,
      status: items.status,
      isGold: items.isGold,
      targetK: items.targetK,
      createdAt: items.createdAt,
      aggregate: { label: aggregates.label, score: aggregates.score, confidence: aggregates.confidence, method: aggregates.method },
      adjudicatedAnswer: adjudications.answer,
    })
    .from(items)
    .innerJoin(batches, eq(batches.id, items.batchId))
    .leftJoin(aggregates, eq(aggregates.itemId, items.id))
    .leftJoin(adjudications, eq(adjudications.itemId, items.id))
    .where(eq(items.documentId, documentId))
    .orderBy(asc(items.id));
}

/** Every judgment of a document's items, whatever its status, with the judging user's name and role if in-house. */
export function judgmentsOfDocument(db: Tx, documentId: number) {
  return db
    .select({ judgment: judgments, userName: users.name, userRole: users.role })
    .from(judgments)
    .innerJoin(items, eq(items.id, judgments.itemId))
    .leftJoin(users, eq(users.id, judgments.userId))
    .where(eq(items.documentId, documentId))
    .orderBy(asc(judgments.id));
}

/**
 * What the admin documents list shows: a page, the project's counts, and how many documents the filters match over
 * every page (the project's total when nothing narrows).
 */
export async function documentsPage(db: Tx, projectId: number, query: ListDocumentsQuery) {
  const [docs, stats] = await Promise.all([listDocuments(db, projectId, query), documentStats(db, projectId)]);
  const matches = isFiltered(query) ? await countDocuments(db, projectId, query) : stats.total;
  return { docs, stats, matches };
}

/** Counts of a project's documents, overall and per source, from the counts the documents' trigger keeps. */
export async function documentStats(db: Tx, projectId: number) {
  const rows = await rowsOf<{ source: string | null; n: number; tokens: number }>(
    db,
    sql`select source, sum(n)::float8 as n, sum(tokens)::float8 as tokens
        from ${documentCounts} where project_id = ${projectId} group by source having sum(n) > 0 order by n desc`,
  );
  return {
    total: rows.reduce((s, r) => s + r.n, 0),
    tokens: rows.reduce((s, r) => s + r.tokens, 0),
    bySource: rows,
  };
}

/**
 * Folds a project's rows of count changes into one per source, so reading the counts stays a handful of rows
 * however many import chunks made them. Rows another transaction has not committed are not seen, so not taken; two
 * folds at once each take only rows the other has not (a deleted row is skipped), so nothing counts twice.
 */
export async function foldDocumentCounts(db: Tx, projectId: number) {
  await db.execute(sql`
    with taken as (delete from ${documentCounts} where project_id = ${projectId} returning source, n, tokens)
    insert into ${documentCounts} (project_id, source, n, tokens)
    select ${projectId}, source, sum(n), sum(tokens) from taken group by source having sum(n) <> 0 or sum(tokens) <> 0`);
}

import { and, asc, eq, gt, ilike, or, sql } from 'drizzle-orm';
import { documents } from '../schema.ts';
import { rowsOf, type Tx } from '../store.ts';
import type { NormalizedDocument } from '../../import/normalize-record.ts';

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

/** A page of a project's documents, keyset-paged by id, optionally filtered by a search string. */
export function listDocuments(db: Tx, projectId: number, page: { after: number; limit: number; search?: string }) {
  const filters = [eq(documents.projectId, projectId), gt(documents.id, page.after)];
  if (page.search) {
    const pattern = `%${page.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    filters.push(or(ilike(documents.externalId, pattern), ilike(documents.text, pattern), ilike(documents.source, pattern))!);
  }
  return db
    .select()
    .from(documents)
    .where(and(...filters))
    .orderBy(asc(documents.id))
    .limit(page.limit);
}

/** Counts of a project's documents, overall and per source. */
export async function documentStats(db: Tx, projectId: number) {
  const rows = await rowsOf<{ source: string | null; n: number; tokens: number }>(
    db,
    sql`select source, count(*)::int as n, coalesce(sum(token_estimate), 0)::float8 as tokens
        from documents where project_id = ${projectId} group by source order by n desc`,
  );
  return {
    total: rows.reduce((s, r) => s + r.n, 0),
    tokens: rows.reduce((s, r) => s + r.tokens, 0),
    bySource: rows,
  };
}

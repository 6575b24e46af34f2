import { and, desc, eq, sql } from 'drizzle-orm';
import { imports } from '../schema.ts';
import type { Tx } from '../store.ts';
import { rowsOf } from '../store.ts';

/**
 * Takes the id an import will be recorded under, before its row exists: progress can name the import while the
 * file is read, yet the row is written only with the outcome, so a crash mid-import leaves nothing "running".
 */
export async function reserveImportId(db: Tx): Promise<number> {
  const [row] = await rowsOf<{ id: string | number }>(db, sql`select nextval(pg_get_serial_sequence('imports', 'id')) as id`);
  return Number(row.id);
}

/** Records an import under its reserved id, as it ended (or, for one that succeeds, before its documents). */
export async function insertImport(db: Tx, values: Omit<typeof imports.$inferInsert, 'finishedAt'> & { id: number; status: 'succeeded' | 'failed' }) {
  const [row] = await db
    .insert(imports)
    .overridingSystemValue()
    .values({ ...values, finishedAt: new Date() })
    .returning();
  return row;
}

/** Records an import's outcome and report. */
export async function finishImport(
  db: Tx,
  id: number,
  outcome: { status: 'succeeded' | 'failed'; imported: number; duplicates: number; rejected: number; report: unknown },
) {
  const [row] = await db
    .update(imports)
    .set({ ...outcome, finishedAt: new Date() })
    .where(eq(imports.id, id))
    .returning();
  return row;
}

/**
 * Fails a project's imports that an earlier version left "running" when its process stopped mid-import (it wrote
 * the row before the documents' transaction). Imports no longer leave such rows, so none of these is live.
 */
export function failInterruptedImports(db: Tx, projectId: number, report: { message: string }) {
  return db
    .update(imports)
    .set({ status: 'failed', imported: 0, duplicates: 0, report: { ...report, errors: [], errorsTruncated: false }, finishedAt: new Date() })
    .where(and(eq(imports.projectId, projectId), eq(imports.status, 'running')));
}

/** A project's imports, newest first. */
export function listImports(db: Tx, projectId: number) {
  return db.select().from(imports).where(eq(imports.projectId, projectId)).orderBy(desc(imports.id)).limit(100);
}

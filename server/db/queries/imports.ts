import { desc, eq } from 'drizzle-orm';
import { imports } from '../schema.ts';
import type { Tx } from '../store.ts';

/** Records that an import has started. */
export async function insertImport(db: Tx, values: { projectId: number; filename: string; format: 'jsonl' | 'csv' | 'parquet'; createdBy: number }) {
  const [row] = await db.insert(imports).values({ ...values, status: 'running' }).returning();
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

/** A project's imports, newest first. */
export function listImports(db: Tx, projectId: number) {
  return db.select().from(imports).where(eq(imports.projectId, projectId)).orderBy(desc(imports.id)).limit(100);
}

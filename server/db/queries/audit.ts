import { desc } from 'drizzle-orm';
import { auditLog } from '../schema.ts';
import type { Tx } from '../store.ts';

/** Appends one audit entry: who did what to which thing. */
export async function appendAudit(db: Tx, entry: { actorId: number | null; action: string; target: string; details?: Record<string, unknown> }) {
  await db.insert(auditLog).values({ ...entry, details: entry.details ?? {} });
}

/** The latest audit entries. */
export function listAudit(db: Tx, limit: number) {
  return db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(limit);
}

import { sql } from 'drizzle-orm';
import { rowsOf, type Db, type Tx } from '../db/store.ts';

/**
 * Runs `work` only if this process wins the session-level advisory lock `key`; several server processes on one
 * PostgreSQL then never run the same job at once. Transaction-scoped (xact) locks keep the lock and the work on the
 * same connection, which a pooled driver requires.
 * @returns the work's result, or `undefined` when another process holds the lock.
 */
export async function withAdvisoryLock<T>(
  db: Db,
  key: number,
  work: (tx: Parameters<Parameters<Db['transaction']>[0]>[0]) => Promise<T>,
): Promise<T | undefined> {
  return db.transaction(async (tx) => ((await tryAdvisoryXactLock(tx, key)) ? work(tx) : undefined));
}

/** Takes the advisory lock `key` for the rest of the transaction `tx`, if no one holds it; never waits. */
export async function tryAdvisoryXactLock(tx: Tx, key: number): Promise<boolean> {
  const [row] = await rowsOf<{ locked: boolean }>(tx, sql`select pg_try_advisory_xact_lock(${key}) as locked`);
  return row.locked;
}

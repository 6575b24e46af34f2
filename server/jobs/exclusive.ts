import type { Store } from '../db/store.ts';

/** Keys held per store: two apps of one process (tests) on stores of their own never exclude each other. */
const heldInProcess = new WeakMap<Store, Set<number>>();

/**
 * Runs `work` only when no other process (or call in this process) runs work under the same key, without holding a
 * transaction open: crowd sync talks to a remote API for a long time, and a long transaction would stall the
 * embedded single-connection store. On PostgreSQL a session-level advisory lock on a dedicated connection; on the
 * single-process embedded store an in-process set suffices.
 * @returns the work's result, or undefined when someone else holds the key.
 */
export async function exclusively<T>(store: Store, key: number, work: () => Promise<T>): Promise<T | undefined> {
  let held = heldInProcess.get(store);
  if (!held) heldInProcess.set(store, (held = new Set()));
  if (held.has(key)) return undefined;
  held.add(key);
  try {
    if (!store.pool) return await work();
    const client = await store.pool.connect();
    try {
      const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [key]);
      if (!rows[0].locked) return undefined;
      try {
        return await work();
      } finally {
        await client.query('select pg_advisory_unlock($1)', [key]);
      }
    } finally {
      client.release();
    }
  } finally {
    held.delete(key);
  }
}

import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Tx } from '../store.ts';

/**
 * Streams a query's rows page by page through a server-side cursor (call inside a transaction): memory stays
 * bounded by two pages however many rows there are, on both drivers. The next page is fetched while the caller
 * works on the current one, so the database and the caller's processing overlap instead of taking turns.
 */
export async function* streamCursor<T>(db: Tx, name: string, query: SQL, pageSize: number): AsyncGenerator<T[]> {
  await db.execute(sql`declare ${sql.identifier(name)} no scroll cursor for ${query}`);
  const fetchPage = () => rowsOf<T>(db, sql`fetch forward ${sql.raw(String(Math.floor(pageSize)))} from ${sql.identifier(name)}`);
  let next: Promise<T[]> | null = fetchPage();
  try {
    for (;;) {
      const rows: T[] = await next;
      next = null;
      if (!rows.length) return;
      next = fetchPage();
      yield rows;
    }
  } finally {
    // A caller that stops early leaves a fetch in flight: let it settle before the cursor goes away.
    await next?.catch(() => undefined);
    await db.execute(sql`close ${sql.identifier(name)}`);
  }
}

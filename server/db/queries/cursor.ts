import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Tx } from '../store.ts';

/**
 * Streams a query's rows page by page through a server-side cursor (call inside a transaction): memory stays
 * bounded by the page size however many rows there are, on both drivers.
 */
export async function* streamCursor<T>(db: Tx, name: string, query: SQL, pageSize: number): AsyncGenerator<T[]> {
  await db.execute(sql`declare ${sql.identifier(name)} no scroll cursor for ${query}`);
  try {
    for (;;) {
      const rows = await rowsOf<T>(db, sql`fetch forward ${sql.raw(String(Math.floor(pageSize)))} from ${sql.identifier(name)}`);
      if (!rows.length) return;
      yield rows;
    }
  } finally {
    await db.execute(sql`close ${sql.identifier(name)}`);
  }
}

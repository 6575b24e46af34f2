import { eq } from 'drizzle-orm';
import { serverSettings } from '../schema.ts';
import type { Tx } from '../store.ts';

/** Returns the stored value for a key, storing `make()` first when there is none; safe when processes race. */
export async function getOrCreateSetting(db: Tx, key: string, make: () => string): Promise<string> {
  await db.insert(serverSettings).values({ key, value: make() }).onConflictDoNothing();
  const [row] = await db.select().from(serverSettings).where(eq(serverSettings.key, key));
  return row.value;
}

import { eq } from 'drizzle-orm';
import { serverSettings } from '../schema.ts';
import type { Tx } from '../store.ts';

/** Returns the stored value for a key, storing `make()` first when there is none; safe when processes race. */
export async function getOrCreateSetting(db: Tx, key: string, make: () => string): Promise<string> {
  await db.insert(serverSettings).values({ key, value: make() }).onConflictDoNothing();
  const [row] = await db.select().from(serverSettings).where(eq(serverSettings.key, key));
  return row.value;
}

/** The stored value for a key, if any. */
export async function getSetting(db: Tx, key: string): Promise<string | undefined> {
  const [row] = await db.select().from(serverSettings).where(eq(serverSettings.key, key));
  return row?.value;
}

/** Stores a value for a key, replacing the one there. */
export async function putSetting(db: Tx, key: string, value: string): Promise<void> {
  await db.insert(serverSettings).values({ key, value }).onConflictDoUpdate({ target: serverSettings.key, set: { value } });
}

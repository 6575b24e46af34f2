import { eq, lt, sql } from 'drizzle-orm';
import { sessions, users } from '../schema.ts';
import type { Tx } from '../store.ts';

/** A session's data when it has not expired. */
export async function readSession(db: Tx, sid: string) {
  const [row] = await db.select().from(sessions).where(eq(sessions.sid, sid));
  if (!row || row.expiresAt.getTime() <= Date.now()) return undefined;
  return row.data;
}

/**
 * A session's data when it has not expired, with the row of the user it is signed in as (if any) read in the same
 * statement: every authenticated request needs both, and one round trip is half the cost of two.
 */
export async function readSessionWithUser(db: Tx, sid: string) {
  const [row] = await db
    .select({ data: sessions.data, expiresAt: sessions.expiresAt, user: users })
    .from(sessions)
    .leftJoin(
      users,
      // Passport stores the user's id; anything else (no sign-in yet, a foreign value) joins nobody.
      eq(
        users.id,
        sql`(case when ${sessions.data} -> 'passport' ->> 'user' ~ '^[0-9]{1,15}$' then (${sessions.data} -> 'passport' ->> 'user')::bigint end)`,
      ),
    )
    .where(eq(sessions.sid, sid));
  if (!row || row.expiresAt.getTime() <= Date.now()) return undefined;
  return { data: row.data, user: row.user ?? undefined };
}

/** Creates or replaces a session. */
export async function writeSession(db: Tx, sid: string, data: unknown, expiresAt: Date) {
  await db
    .insert(sessions)
    .values({ sid, data, expiresAt })
    .onConflictDoUpdate({ target: sessions.sid, set: { data: sql`excluded.data`, expiresAt: sql`excluded.expires_at` } });
}

/** Extends a session's expiry without rewriting its data. */
export async function touchSession(db: Tx, sid: string, expiresAt: Date) {
  await db.update(sessions).set({ expiresAt }).where(eq(sessions.sid, sid));
}

/** Deletes a session (logout). */
export async function deleteSession(db: Tx, sid: string) {
  await db.delete(sessions).where(eq(sessions.sid, sid));
}

/** Deletes every user session referencing a user id (disabling a user signs them out everywhere). */
export async function deleteSessionsOfUser(db: Tx, userId: number) {
  await db.delete(sessions).where(sql`${sessions.data} -> 'passport' ->> 'user' = ${String(userId)}`);
}

/** Removes expired sessions. */
export async function deleteExpiredSessions(db: Tx) {
  await db.delete(sessions).where(lt(sessions.expiresAt, new Date()));
}

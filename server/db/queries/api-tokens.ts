import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { apiTokens, users } from '../schema.ts';
import type { Tx } from '../store.ts';

/** Stores a new token's hash. */
export async function insertApiToken(db: Tx, values: { userId: number; name: string; tokenHash: string; prefix: string }) {
  const [token] = await db.insert(apiTokens).values(values).returning();
  return token;
}

/** The user owning an unrevoked token with this hash, if any; marks the token used. */
export async function findUserByTokenHash(db: Tx, tokenHash: string) {
  const [row] = await db
    .select({ user: users, tokenId: apiTokens.id, lastUsedAt: apiTokens.lastUsedAt })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.tokenHash, tokenHash), isNull(apiTokens.revokedAt)));
  // At most one write a minute per token: a script's every request must not become a write, nor a round trip.
  if (row && (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000)) {
    await db
      .update(apiTokens)
      .set({ lastUsedAt: new Date() })
      .where(and(eq(apiTokens.id, row.tokenId), sql`(${apiTokens.lastUsedAt} is null or ${apiTokens.lastUsedAt} < now() - interval '1 minute')`));
  }
  return row?.user;
}

/** A user's tokens, newest first (hashes are never returned to clients; presenters drop them). */
export function listApiTokens(db: Tx, userId: number) {
  return db.select().from(apiTokens).where(eq(apiTokens.userId, userId)).orderBy(desc(apiTokens.id));
}

/** Revokes a token owned by the user; returns it, or undefined when there is no such token. */
export async function revokeApiToken(db: Tx, userId: number, tokenId: number) {
  const [token] = await db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, userId)))
    .returning();
  return token;
}

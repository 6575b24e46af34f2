import { and, eq, gt, lte, sql } from 'drizzle-orm';
import { rateLimits } from '../schema.ts';
import type { Tx } from '../store.ts';

/** A counter's state: hits in the current window and when the window ends. */
export type RateLimitCounter = Pick<typeof rateLimits.$inferSelect, 'hits' | 'resetAt'>;

/**
 * Counts one hit under a key in one atomic statement, so concurrent requests on any number of processes never lose
 * a hit; a window that has ended starts again at 1. Times come from the database clock, the one clock all
 * processes share.
 */
export async function incrementRateLimit(db: Tx, key: string, windowMs: number): Promise<RateLimitCounter> {
  const windowEnd = sql`now() + ${windowMs}::int * interval '1 millisecond'`;
  const ended = sql`${rateLimits.resetAt} <= now()`;
  const [row] = await db
    .insert(rateLimits)
    .values({ key, hits: 1, resetAt: windowEnd })
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: {
        hits: sql`case when ${ended} then 1 else ${rateLimits.hits} + 1 end`,
        resetAt: sql`case when ${ended} then excluded.reset_at else ${rateLimits.resetAt} end`,
      },
    })
    .returning({ hits: rateLimits.hits, resetAt: rateLimits.resetAt });
  return row;
}

/** Takes back one hit of a window still running (a request that turned out not to count). */
export async function decrementRateLimit(db: Tx, key: string): Promise<void> {
  await db
    .update(rateLimits)
    .set({ hits: sql`greatest(${rateLimits.hits} - 1, 0)` })
    .where(and(eq(rateLimits.key, key), gt(rateLimits.resetAt, sql`now()`)));
}

/** A key's counter while its window runs. */
export async function readRateLimit(db: Tx, key: string): Promise<RateLimitCounter | undefined> {
  const [row] = await db
    .select({ hits: rateLimits.hits, resetAt: rateLimits.resetAt })
    .from(rateLimits)
    .where(and(eq(rateLimits.key, key), gt(rateLimits.resetAt, sql`now()`)));
  return row;
}

/** Forgets a key's counter. */
export async function deleteRateLimit(db: Tx, key: string): Promise<void> {
  await db.delete(rateLimits).where(eq(rateLimits.key, key));
}

/** Removes counters whose window has ended (the next hit would start them again anyway). */
export async function deleteExpiredRateLimits(db: Tx): Promise<void> {
  await db.delete(rateLimits).where(lte(rateLimits.resetAt, sql`now()`));
}

import type { AppContext } from '../context.ts';
import { deleteExpiredSessions } from '../db/queries/sessions.ts';
import { deleteExpiredRateLimits } from '../db/queries/rate-limits.ts';
import { withAdvisoryLock } from './advisory-lock.ts';
import type { PeriodicJob } from './scheduler.ts';

const LOCK_KEY = 7_302_202;

/**
 * Deletes expired sessions and rate-limit counters whose window ended. Reads already ignore them; without this
 * the tables only grow.
 */
export function sessionCleanupJob(ctx: AppContext): PeriodicJob {
  return {
    name: 'session-cleanup',
    everyMs: 10 * 60_000,
    run: () =>
      withAdvisoryLock(ctx.store.db, LOCK_KEY, async (tx) => {
        await deleteExpiredSessions(tx);
        await deleteExpiredRateLimits(tx);
      }),
  };
}

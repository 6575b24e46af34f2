import type { AppContext } from '../context.ts';
import { purgeDeadSubmissions } from '../db/queries/crowd.ts';
import { DEADLINE_GRACE_SECONDS, MAX_ASSIGNMENT_DURATION_SECONDS } from '../crowd/submission-bounds.ts';
import { withAdvisoryLock } from './advisory-lock.ts';
import type { PeriodicJob } from './scheduler.ts';

const LOCK_KEY = 7_302_240;

/**
 * Deletes crowd submissions (and their pending judgments) that can no longer be confirmed: anyone may post to the
 * public submission route, and without this what forgers or abandoning workers leave would stay forever.
 */
export function crowdPurgeJob(ctx: AppContext): PeriodicJob {
  return {
    name: 'crowd-purge',
    everyMs: 10 * 60_000,
    run: () =>
      withAdvisoryLock(ctx.store.db, LOCK_KEY, (tx) =>
        purgeDeadSubmissions(tx, { unknownDurationSeconds: MAX_ASSIGNMENT_DURATION_SECONDS, graceSeconds: DEADLINE_GRACE_SECONDS }),
      ),
  };
}

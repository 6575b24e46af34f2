import type { AppContext } from '../context.ts';
import { expireLeases } from '../db/queries/leases.ts';
import { withAdvisoryLock } from './advisory-lock.ts';
import type { PeriodicJob } from './scheduler.ts';

const LOCK_KEY = 7_302_201;

/**
 * Returns expired leases to the pool. Leasing already treats an expired lease as free; this keeps progress
 * figures (open vs leased) true when nobody is asking for work.
 */
export function leaseExpiryJob(ctx: AppContext): PeriodicJob {
  return {
    name: 'lease-expiry',
    everyMs: 30_000,
    run: () => withAdvisoryLock(ctx.store.db, LOCK_KEY, (tx) => expireLeases(tx)),
  };
}

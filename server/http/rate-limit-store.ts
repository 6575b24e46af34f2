import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';
import type { Db } from '../db/store.ts';
import { decrementRateLimit, deleteRateLimit, incrementRateLimit, readRateLimit, type RateLimitCounter } from '../db/queries/rate-limits.ts';

/**
 * express-rate-limit's Store over the `rate_limits` table, so every server process on one database counts against
 * the same limit (a per-process memory store multiplies a limit by the number of processes). One instance per
 * limiter, each with its own prefix; the session-cleanup job purges ended windows.
 */
export class DatabaseRateLimitStore implements Store {
  private windowMs = 60_000;

  /**
   * @param db the project's database
   * @param prefix set before every key, naming the limiter (`login-email:`), so limiters never share counters
   */
  constructor(
    private readonly db: Db,
    readonly prefix: string,
  ) {}

  init(options: Pick<Options, 'windowMs'>): void {
    this.windowMs = options.windowMs;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const counter = await readRateLimit(this.db, this.prefix + key);
    return counter && infoOf(counter);
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    return infoOf(await incrementRateLimit(this.db, this.prefix + key, this.windowMs));
  }

  async decrement(key: string): Promise<void> {
    await decrementRateLimit(this.db, this.prefix + key);
  }

  async resetKey(key: string): Promise<void> {
    await deleteRateLimit(this.db, this.prefix + key);
  }
}

function infoOf(counter: RateLimitCounter): ClientRateLimitInfo {
  return { totalHits: counter.hits, resetTime: counter.resetAt };
}

/** What to do when sending an outbox entry failed, and how long to wait before trying again. */

/**
 * - `retry`: the answer may still be accepted later (no connection, server error, rate limit): keep it and try again.
 * - `wait`: the session is gone or lacks the right: keep it for after the annotator signs in again.
 * - `drop`: the server refused this answer for good (invalid, already judged, task gone): keeping it would block the
 *   entries behind it forever.
 */
export type FailureAction = 'retry' | 'wait' | 'drop';

/** The action for a failed request's HTTP status (0 when the server could not be reached). */
export function failureAction(status: number): FailureAction {
  if (status === 0 || status === 429 || status >= 500) return 'retry';
  if (status === 401 || status === 403) return 'wait';
  return 'drop';
}

const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 30_000;

/** Exponential backoff capped at 30 s: quick after a blip, gentle on a server that is down. */
export function retryDelayMs(failedAttempts: number): number {
  return Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, failedAttempts - 1));
}

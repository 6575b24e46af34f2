/**
 * When to call a judge's endpoint again. Ours rather than p-retry: p-retry's delay comes from its own schedule and
 * cannot follow the server's Retry-After, which rate-limited endpoints (OpenAI, vLLM behind a gateway) send and
 * expect to be honoured.
 */
import { APIConnectionError, APIError } from 'openai';

/** Calls per request, the first included. */
export const MAX_ATTEMPTS = 6;
const BASE_MS = 500;
const CAP_MS = 30_000;
/** A Retry-After longer than this is not waited for within a run (the document is left for a later pass). */
const MAX_RETRY_AFTER_MS = 120_000;

/** Whether a failed call may succeed if repeated: rate limits, server errors, timeouts, dropped connections, bad bodies. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof APIConnectionError) return true;
  if (error instanceof APIError)
    return error.status === undefined || error.status === 408 || error.status === 409 || error.status === 429 || error.status >= 500;
  // An unreadable 200 body (the SDK's JSON.parse fails) is a transport fault, not the model's answer.
  return error instanceof SyntaxError;
}

/** The wait the server asked for, in ms, from `retry-after-ms` or `Retry-After` (seconds or an HTTP date). */
export function retryAfterMs(headers: { get(name: string): string | null } | undefined, now = Date.now()): number | undefined {
  const ms = Number(headers?.get('retry-after-ms'));
  if (headers?.get('retry-after-ms') && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The wait before attempt `attempt + 1` (attempt counts from 1): the server's Retry-After when it gave one (plus a
 * little jitter so a burst of rate-limited calls does not return at the same instant), else exponential backoff
 * with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"), capped.
 */
export function retryDelayMs(attempt: number, serverAskedMs: number | undefined, random: () => number = Math.random): number {
  if (serverAskedMs !== undefined) return Math.min(serverAskedMs, MAX_RETRY_AFTER_MS) + Math.floor(random() * 100);
  return Math.floor(random() * Math.min(CAP_MS, BASE_MS * 2 ** (attempt - 1)));
}

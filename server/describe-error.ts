/**
 * Errors as the log shows them, for request handlers and background jobs alike: the cause chain in one line each and
 * the stack, never the values a statement was run with (they may hold what users typed, or an attacker's probes).
 */
import { causeChain } from './http/database-errors.ts';

/** A query wrapper (drizzle's DrizzleQueryError) carries the statement in `query` and its values in `params`. */
function isQueryWrapper(e: unknown): e is { query: string; params: unknown } {
  return typeof e === 'object' && e !== null && typeof (e as { query?: unknown }).query === 'string' && 'params' in e;
}

/**
 * One line of an error: a query wrapper's statement without its values, a driver error's code and message (PGlite's
 * errors carry the query too, but their message is the database's own).
 */
export function summary(e: unknown): string {
  const code = (e as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string' && isQueryWrapper(e)) return `failed query: ${e.query}`;
  if (!(e instanceof Error)) return String(e);
  return `${e.name}${typeof code === 'string' ? ` ${code}` : ''}: ${e.message}`;
}

/**
 * The whole chain for a 5xx, with the stack where the failure was thrown, but no parameter values: a query
 * wrapper's message and stack header repeat them, so only its frames are kept.
 */
export function describeForLog(error: unknown): string {
  const stack = error instanceof Error && error.stack ? error.stack.split('\n').filter((line) => /^\s+at /.test(line)) : [];
  return [...causeChain(error)].map(summary).join('\n  caused by ') + (stack.length ? `\n${stack.join('\n')}` : '');
}

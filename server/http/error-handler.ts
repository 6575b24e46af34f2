import type { ErrorRequestHandler, Request } from 'express';
// The core class, so errors of the task types' zod/mini schemas (tasks/lib/zod.ts) are caught as well as classic ones.
import { $ZodError } from 'zod/v4/core';
import { AppError } from '../errors.ts';
import { causeChain, classifyDatabaseError } from './database-errors.ts';
import { describeForLog, summary } from '../describe-error.ts';

/** Formats zod issues as "field: message" lines. */
export function describeZodError(error: $ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

/** Seconds a client should wait before retrying a request that met no database. */
const RETRY_AFTER_SECONDS = 5;

/** The one error handler: every failure becomes JSON `{ error: { id, message, details? } }`, never a crash. */
export const errorHandler: ErrorRequestHandler = (error, req, res, _next) => {
  const { status, id, message, details } = classify(error);
  // The path only: the query string and the SQL's parameters may hold what users typed (or an attacker's probes).
  const where = `[${req.method} ${routeOf(req)}] ${status} ${id}`;
  if (id === 'store_unavailable') console.warn(`${where}: ${summary([...causeChain(error)].at(-1))}`);
  else if (status >= 500) console.error(`${where}:`, describeForLog(error));
  if (res.headersSent) return res.end();
  if (id === 'store_unavailable') res.set('Retry-After', String(RETRY_AFTER_SECONDS));
  res.status(status).json({ error: { id, message, ...(details === undefined ? {} : { details }) } });
};

function classify(error: unknown): { status: number; id: string; message: string; details?: unknown } {
  if (error instanceof AppError) return error;
  if (error instanceof $ZodError) return { status: 400, id: 'bad_request', message: describeZodError(error) };
  const e = error as { status?: number; type?: string; code?: string; message?: string };
  // body-parser errors (malformed JSON, body too large) carry their own 4xx status.
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    return { status: e.status, id: e.type ?? 'bad_request', message: e.message ?? 'Bad request' };
  }
  return classifyDatabaseError(error) ?? { status: 500, id: 'internal', message: 'Internal error' };
}

function routeOf(req: Request): string {
  return req.originalUrl.split('?')[0];
}

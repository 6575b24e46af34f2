import type { ErrorRequestHandler } from 'express';
import { ZodError } from 'zod';
import { AppError } from '../errors.ts';

/** Formats zod issues as "field: message" lines. */
export function describeZodError(error: ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

/** The one error handler: every failure becomes JSON `{ error: { id, message, details? } }`, never a crash. */
export const errorHandler: ErrorRequestHandler = (error, req, res, _next) => {
  const { status, id, message, details } = classify(error);
  if (status >= 500) console.error(`[${req.method} ${req.originalUrl}]`, error);
  if (res.headersSent) return res.end();
  res.status(status).json({ error: { id, message, ...(details === undefined ? {} : { details }) } });
};

function classify(error: unknown): { status: number; id: string; message: string; details?: unknown } {
  if (error instanceof AppError) return error;
  if (error instanceof ZodError) return { status: 400, id: 'bad_request', message: describeZodError(error) };
  const e = error as { status?: number; type?: string; code?: string; message?: string };
  // body-parser errors (malformed JSON, body too large) carry their own 4xx status.
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    return { status: e.status, id: e.type ?? 'bad_request', message: e.message ?? 'Bad request' };
  }
  if (e?.code === '23505') return { status: 409, id: 'conflict', message: 'Already exists' };
  return { status: 500, id: 'internal', message: 'Internal error' };
}

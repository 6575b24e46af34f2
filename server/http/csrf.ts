import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { forbidden } from '../errors.ts';

declare module 'express-session' {
  interface SessionData {
    csrfToken?: string;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The session's CSRF token, created on first use. */
export function csrfTokenOf(req: Request): string {
  req.session.csrfToken ??= randomBytes(24).toString('base64url');
  return req.session.csrfToken;
}

/**
 * Synchronizer-token CSRF protection for cookie sessions: unsafe requests must echo the session's token in
 * `X-CSRF-Token`. Requests authenticated by an API token carry no ambient credentials and are exempt.
 */
export function csrfProtection(exemptPaths: RegExp[] = []): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method) || req.authVia === 'token' || exemptPaths.some((p) => p.test(req.path))) return next();
    const expected = req.session?.csrfToken;
    const given = req.get('x-csrf-token');
    if (!expected || !given || !equal(expected, given)) {
      return next(forbidden('Missing or invalid CSRF token: fetch GET /api/session and send its csrfToken as X-CSRF-Token'));
    }
    next();
  };
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

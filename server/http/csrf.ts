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
 * `X-CSRF-Token`. It guards what a cookie can carry: requests of a signed-in session, and the login itself (so a
 * page cannot sign a victim into an attacker's account). Requests by API token, or by nobody at all (answered 401
 * further on), carry no ambient credentials to abuse.
 */
export function csrfProtection(options: { exemptPaths?: RegExp[]; alwaysPaths?: RegExp[] } = {}): RequestHandler {
  return (req, _res, next) => {
    const matches = (list?: RegExp[]) => !!list?.some((p) => p.test(req.path));
    if (SAFE_METHODS.has(req.method) || matches(options.exemptPaths)) return next();
    if (req.authVia !== 'session' && !matches(options.alwaysPaths)) return next();
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

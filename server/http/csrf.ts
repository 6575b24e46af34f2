import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import cookieParser from 'cookie-parser';
import type { Request, RequestHandler, Response } from 'express';
import { forbidden } from '../errors.ts';

declare module 'express-session' {
  interface SessionData {
    csrfToken?: string;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Carries an anonymous caller's token, signed so that only this server can have issued it. */
const ANONYMOUS_COOKIE = 'curate.csrf';

/**
 * The caller's CSRF token. A signed-in session keeps it in the session (a synchronizer token). An anonymous caller
 * gets it in a signed, HTTP-only cookie instead (a signed double-submit cookie): storing it in a session would
 * write a session row for every visitor and crawler (issue 12).
 */
export function csrfTokenOf(req: Request, res: Response): string {
  if (req.authVia === 'session') {
    req.session.csrfToken ??= newToken();
    return req.session.csrfToken;
  }
  const issued = anonymousTokenOf(req);
  if (issued) return issued;
  const token = newToken();
  res.cookie(ANONYMOUS_COOKIE, token, { signed: true, httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/api' });
  return token;
}

/**
 * CSRF protection for cookie credentials: unsafe requests must echo the caller's token in `X-CSRF-Token`. It
 * guards what a cookie can carry: requests of a signed-in session, and the login itself (so a page cannot sign a
 * victim into an attacker's account), which an anonymous caller proves with the token of its signed cookie.
 * Requests by API token (the login included), or by nobody at all (answered 401 further on), carry no ambient
 * credentials to abuse.
 * @param options.secret the session secret; the cookie is signed with a key derived from it, so a value signed for
 *   one purpose (the session cookie) is never accepted for the other
 */
export function csrfProtection(options: { secret: string; exemptPaths?: RegExp[]; alwaysPaths?: RegExp[] }): RequestHandler[] {
  const cookieKey = createHmac('sha256', options.secret).update('curate csrf cookie').digest('base64url');
  const check: RequestHandler = (req, _res, next) => {
    const matches = (list?: RegExp[]) => !!list?.some((p) => p.test(req.path));
    if (SAFE_METHODS.has(req.method) || matches(options.exemptPaths)) return next();
    // A page cannot send an Authorization header cross-site (it takes a CORS preflight we never grant).
    if (req.authVia === 'token') return next();
    if (req.authVia !== 'session' && !matches(options.alwaysPaths)) return next();
    const expected = req.authVia === 'session' ? req.session?.csrfToken : anonymousTokenOf(req);
    const given = req.get('x-csrf-token');
    if (!expected || !given || !equal(expected, given)) {
      return next(forbidden('Missing or invalid CSRF token: fetch GET /api/session and send its csrfToken as X-CSRF-Token'));
    }
    next();
  };
  return [cookieParser(cookieKey), check];
}

/** The token of a cookie this server signed (cookie-parser gives `false` for a bad signature). */
function anonymousTokenOf(req: Request): string | undefined {
  const value: unknown = req.signedCookies?.[ANONYMOUS_COOKIE];
  return typeof value === 'string' && value ? value : undefined;
}

function newToken(): string {
  return randomBytes(24).toString('base64url');
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { Db } from '../db/store.ts';
import { tooManyRequests } from '../errors.ts';
import { DatabaseRateLimitStore } from './rate-limit-store.ts';

/**
 * Limits failed logins (401) in fixed windows, counted in the database so every server process shares them: per
 * email whichever addresses the attempts come from, and per client address whichever emails they name. The
 * address is `req.ip`, which honours X-Forwarded-For only from proxies TRUST_PROXY names. A right password does
 * not count, and does not clear the count either: else an attacker could guess on between the owner's logins.
 */
export function loginRateLimit(db: Db, options: { perEmail: number; perAddress: number; windowMs: number }): RequestHandler[] {
  const limiter = (prefix: string, limit: number, keyOf: (req: Request) => string) =>
    rateLimit({
      store: new DatabaseRateLimitStore(db, prefix),
      windowMs: options.windowMs,
      limit,
      keyGenerator: keyOf,
      skipSuccessfulRequests: true,
      requestWasSuccessful: (_req, res) => res.statusCode !== 401,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      handler: (_req, _res, next) => next(tooManyRequests('Too many failed login attempts; try again later')),
      // X-Forwarded-For from an untrusted peer is ignored on purpose (see TRUST_PROXY), not a misconfiguration.
      validate: { xForwardedForHeader: false },
    });
  return [
    limiter('login-address:', options.perAddress, (req) => ipKeyGenerator(req.ip ?? '')),
    limiter('login-email:', options.perEmail, (req) => (typeof req.body?.email === 'string' ? req.body.email.trim().toLowerCase() : '')),
  ];
}

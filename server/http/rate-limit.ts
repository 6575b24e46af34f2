import type { RequestHandler } from 'express';
import { tooManyRequests } from '../errors.ts';

/**
 * Fixed-window limiter of failed attempts, keyed per client address and submitted email; a successful login clears
 * its key. Per-process memory is acceptable here: it slows guessing, and nothing about correctness depends on it.
 */
export function loginRateLimit(options: { max: number; windowMs: number }): RequestHandler {
  const windows = new Map<string, { start: number; count: number }>();
  return (req, res, next) => {
    const now = Date.now();
    const email = typeof req.body?.email === 'string' ? req.body.email.toLowerCase() : '';
    const key = `${req.ip}|${email}`;
    let window = windows.get(key);
    if (!window || now - window.start >= options.windowMs) {
      window = { start: now, count: 0 };
      windows.set(key, window);
    }
    if (windows.size > 10_000) for (const [k, w] of windows) if (now - w.start >= options.windowMs) windows.delete(k);
    if (window.count >= options.max) {
      res.setHeader('Retry-After', String(Math.ceil((window.start + options.windowMs - now) / 1000)));
      return next(tooManyRequests('Too many failed login attempts; try again later'));
    }
    const counted = window;
    res.on('finish', () => {
      if (res.statusCode === 401) counted.count++;
      else if (res.statusCode < 300) windows.delete(key);
    });
    next();
  };
}

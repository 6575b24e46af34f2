import type { RequestHandler } from 'express';

/** Origins allowed to frame the MTurk labeling route: MTurk's worker sites only. */
export const MTURK_FRAME_ANCESTORS = ['https://worker.mturk.com', 'https://workersandbox.mturk.com', 'https://www.mturk.com'];

/**
 * A strict CSP: corpus text is hostile, so even if markup slipped through, no inline or foreign script would run.
 * Framing is refused everywhere except the MTurk route, which MTurk's worker sites (and the configured emulator) embed.
 */
export function securityHeaders(options: { extraFrameAncestors?: string[]; extraFormActions?: string[] } = {}): RequestHandler {
  const base = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self' ws: wss:",
    "object-src 'none'",
    "base-uri 'none'",
  ];
  const standard = [...base, "form-action 'self'", "frame-ancestors 'none'"].join('; ');
  const framed = [
    ...base,
    ["form-action 'self'", ...MTURK_FRAME_ANCESTORS, ...(options.extraFormActions ?? [])].join(' '),
    ['frame-ancestors', ...MTURK_FRAME_ANCESTORS, ...(options.extraFrameAncestors ?? [])].join(' '),
  ].join('; ');
  return (req, res, next) => {
    const mturk = req.path === '/mturk' || req.path.startsWith('/mturk/');
    res.setHeader('Content-Security-Policy', mturk ? framed : standard);
    if (!mturk) res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
    res.removeHeader('X-Powered-By');
    next();
  };
}

import type { RequestHandler } from 'express';
import helmet, { type HelmetOptions } from 'helmet';

/** Origins allowed to frame the MTurk labeling route: MTurk's worker sites only. */
export const MTURK_FRAME_ANCESTORS = ['https://worker.mturk.com', 'https://workersandbox.mturk.com', 'https://www.mturk.com'];

/**
 * A strict CSP, by helmet: corpus text is hostile, so even if markup slipped through, no inline or foreign script
 * would run. Framing is refused everywhere except the MTurk route, which MTurk's worker sites (and the configured
 * emulator) embed. helmet's other defaults are off so the policy stays the one the tests state: HSTS would pin a
 * self-hosted instance to HTTPS it may not have, and Cross-Origin-Resource-Policy would concern assets MTurk's
 * frame loads; each can be turned on here as a decision of its own.
 */
export function securityHeaders(options: { extraFrameAncestors?: string[]; extraFormActions?: string[] } = {}): RequestHandler {
  const base = {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    fontSrc: ["'self'"],
    connectSrc: ["'self'", 'ws:', 'wss:'],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
  };
  const common = {
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'no-referrer' },
    xContentTypeOptions: true,
    xPoweredBy: true,
    crossOriginEmbedderPolicy: false,
    crossOriginResourcePolicy: false,
    originAgentCluster: false,
    strictTransportSecurity: false,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false,
  } satisfies HelmetOptions;
  const standard = helmet({
    ...common,
    contentSecurityPolicy: { useDefaults: false, directives: { ...base, formAction: ["'self'"], frameAncestors: ["'none'"] } },
    xFrameOptions: { action: 'deny' },
  });
  const framed = helmet({
    ...common,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        ...base,
        formAction: ["'self'", ...MTURK_FRAME_ANCESTORS, ...(options.extraFormActions ?? [])],
        frameAncestors: [...MTURK_FRAME_ANCESTORS, ...(options.extraFrameAncestors ?? [])],
      },
    },
    // frame-ancestors grants the framing; X-Frame-Options cannot name origins, so it is left out here.
    xFrameOptions: false,
  });
  return (req, res, next) => {
    // helmet has no Permissions-Policy; this one turns off the device APIs no page of ours uses.
    res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
    const mturk = req.path === '/mturk' || req.path.startsWith('/mturk/');
    (mturk ? framed : standard)(req, res, next);
  };
}

import { describe, expect, it } from 'vitest';
import express from 'express';
import request from 'supertest';
import { securityHeaders } from '../../../server/http/security-headers.ts';

const crowd = 'http://127.0.0.1:9431';
const app = express();
app.use(securityHeaders({ extraFrameAncestors: [crowd], extraFormActions: [crowd] }));
app.get(/.*/, (_req, res) => {
  res.send('ok');
});

/** The policy as a map of directive -> sources, so the test does not depend on how directives are separated. */
function directives(csp: string | undefined): Record<string, string> {
  return Object.fromEntries(
    (csp ?? '')
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [name, ...sources] = d.split(/\s+/);
        return [name, sources.join(' ')];
      }),
  );
}

const base = {
  'default-src': "'self'",
  'script-src': "'self'",
  'style-src': "'self'",
  'img-src': "'self' data:",
  'font-src': "'self'",
  'connect-src': "'self' ws: wss:",
  'object-src': "'none'",
  'base-uri': "'none'",
};
const mturkSites = 'https://worker.mturk.com https://workersandbox.mturk.com https://www.mturk.com';

/** The security headers a response carries: every one this middleware sets, and none it must not. */
function securityOf(headers: Record<string, string>) {
  const names = [
    'content-security-policy',
    'x-frame-options',
    'x-content-type-options',
    'referrer-policy',
    'cross-origin-opener-policy',
    'cross-origin-resource-policy',
    'cross-origin-embedder-policy',
    'permissions-policy',
    'strict-transport-security',
    'origin-agent-cluster',
    'x-dns-prefetch-control',
    'x-download-options',
    'x-permitted-cross-domain-policies',
    'x-xss-protection',
    'x-powered-by',
  ];
  return Object.fromEntries(
    names.filter((n) => headers[n] !== undefined).map((n) => [n, n === 'content-security-policy' ? directives(headers[n]) : headers[n]]),
  );
}

describe('securityHeaders', () => {
  it('refuses framing everywhere but the MTurk route, with a strict CSP and nothing else added', async () => {
    for (const url of ['/', '/projects/1', '/api/health', '/mturkish']) {
      const res = await request(app).get(url).expect(200);
      expect(securityOf(res.headers)).toEqual({
        'content-security-policy': { ...base, 'form-action': "'self'", 'frame-ancestors': "'none'" },
        'x-frame-options': 'DENY',
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cross-origin-opener-policy': 'same-origin',
        'permissions-policy': 'camera=(), microphone=(), geolocation=()',
      });
    }
  });

  it("lets MTurk's worker sites and the configured crowd origin frame the MTurk route and receive its form", async () => {
    for (const url of ['/mturk', '/mturk/?assignmentId=A&hitId=H', '/mturk/assets/x.js']) {
      const res = await request(app).get(url).expect(200);
      expect(securityOf(res.headers)).toEqual({
        'content-security-policy': { ...base, 'form-action': `'self' ${mturkSites} ${crowd}`, 'frame-ancestors': `${mturkSites} ${crowd}` },
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cross-origin-opener-policy': 'same-origin',
        'permissions-policy': 'camera=(), microphone=(), geolocation=()',
      });
    }
  });
});

import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Whether a Prolific hook delivery is genuine: `X-Prolific-Request-Signature` must be the base64 HMAC-SHA256, with
 * the workspace's hook secret, of `X-Prolific-Request-Timestamp` followed by the raw body; compared in constant time.
 */
export function verifyProlificHook(secret: string, timestamp: string, rawBody: string, signature: string): boolean {
  const expected = Buffer.from(
    createHmac('sha256', secret)
      .update(timestamp + rawBody)
      .digest('base64'),
  );
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

import { createHmac, timingSafeEqual } from 'node:crypto';

/** Prolific's hook signature: base64 HMAC-SHA256 over the timestamp header followed by the raw body. */
export function prolificSignature(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(timestamp + body).digest('base64');
}

/** Whether a delivery's `X-Prolific-Request-Signature` matches, compared in constant time. */
export function verifyProlificSignature(secret: string, timestamp: string, body: string, signature: string): boolean {
  const expected = Buffer.from(prolificSignature(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

import { createHmac } from 'node:crypto';

/**
 * Prolific's hook signature (`X-Prolific-Request-Signature`): base64 HMAC-SHA256 over the timestamp header followed
 * by the raw body, with the workspace's hook secret. The emulator signs its deliveries with it.
 */
export function prolificSignature(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret)
    .update(timestamp + body)
    .digest('base64');
}

import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'cur_';

/** A new API token secret with its stored hash and a short display prefix. */
export function newTokenSecret() {
  const secret = PREFIX + randomBytes(24).toString('base64url');
  return { secret, hash: hashTokenSecret(secret), prefix: secret.slice(0, PREFIX.length + 6) };
}

/** Tokens are long random secrets, so a fast hash is enough to make a stolen table useless. */
export function hashTokenSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

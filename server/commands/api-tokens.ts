import type { Db } from '../db/store.ts';
import { insertApiToken, revokeApiToken } from '../db/queries/api-tokens.ts';
import { appendAudit } from '../db/queries/audit.ts';
import { notFound } from '../errors.ts';
import { newTokenSecret } from '../auth/token-secret.ts';

/** Creates an API token for a user; the secret is returned once and only its hash is kept. */
export async function createApiToken(db: Db, props: { userId: number; name: string }) {
  const { secret, hash, prefix } = newTokenSecret();
  const token = await insertApiToken(db, { userId: props.userId, name: props.name, tokenHash: hash, prefix });
  await appendAudit(db, { actorId: props.userId, action: 'token.create', target: `token:${token.id}` });
  return { token, secret };
}

/** Revokes one of the user's own tokens: later requests with it are refused. */
export async function revokeOwnApiToken(db: Db, props: { userId: number; tokenId: number }) {
  const token = await revokeApiToken(db, props.userId, props.tokenId);
  if (!token) throw notFound('Token');
  await appendAudit(db, { actorId: props.userId, action: 'token.revoke', target: `token:${token.id}` });
  return token;
}

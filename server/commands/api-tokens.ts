import { insertApiToken, revokeApiToken } from '../db/queries/api-tokens.ts';
import { appendAudit } from '../db/queries/audit.ts';
import { notFound } from '../errors.ts';
import { newTokenSecret } from '../auth/token-secret.ts';
import { runCommand, type CommandContext } from './run-command.ts';

/** Creates an API token for a user; the secret is returned once and only its hash is kept. */
export function createApiToken(ctx: CommandContext, props: { userId: number; name: string }) {
  const { secret, hash, prefix } = newTokenSecret();
  return runCommand(ctx, async (tx) => {
    const token = await insertApiToken(tx, { userId: props.userId, name: props.name, tokenHash: hash, prefix });
    await appendAudit(tx, { actorId: props.userId, action: 'token.create', target: `token:${token.id}` });
    return { token, secret };
  });
}

/**
 * Revokes one of the user's own tokens: later requests with it are refused. A socket opened with it would stay
 * open, so the user's sockets are disconnected; those on a live session reconnect, one on the token cannot.
 */
export function revokeOwnApiToken(ctx: CommandContext, props: { userId: number; tokenId: number }) {
  return runCommand(ctx, async (tx, emit) => {
    const token = await revokeApiToken(tx, props.userId, props.tokenId);
    if (!token) throw notFound('Token');
    await appendAudit(tx, { actorId: props.userId, action: 'token.revoke', target: `token:${token.id}` });
    emit({ name: 'user:access-changed', payload: { userId: props.userId } });
    return token;
  });
}

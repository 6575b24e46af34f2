import { Router } from 'express';
import { z } from 'zod';
import { endpoint, idParam } from '../http/endpoint.ts';
import { createUserBody, createTokenBody, updateUserBody } from './users.schema.ts';
import { createUser, updateUserAccount } from '../commands/manage-users.ts';
import { createApiToken, revokeOwnApiToken } from '../commands/api-tokens.ts';
import { listUsers } from '../db/queries/users.ts';
import { listApiTokens } from '../db/queries/api-tokens.ts';
import { presentApiToken, presentUser } from '../presenters/users.ts';
import type { AppContext } from '../context.ts';

const idParams = z.object({ id: idParam });

/** User administration (admins) and each user's own API tokens. */
export function userRoutes(ctx: AppContext): Router {
  const { db } = ctx.store;
  const router = Router();
  router.get(
    '/users',
    endpoint('users.manage', {}, async () => ({ users: (await listUsers(db)).map(presentUser) })),
  );
  router.post(
    '/users',
    endpoint('users.manage', { body: createUserBody }, async ({ body, user, res }) => {
      res.status(201);
      return { user: presentUser(await createUser(ctx, { ...body, actorId: user.id })) };
    }),
  );
  router.patch(
    '/users/:id',
    endpoint('users.manage', { params: idParams, body: updateUserBody }, async ({ params, body, user }) => ({
      user: presentUser(await updateUserAccount(ctx, { actorId: user.id, userId: params.id, changes: body })),
    })),
  );

  router.get(
    '/tokens',
    endpoint('tokens.own', {}, async ({ user }) => ({ tokens: (await listApiTokens(db, user.id)).map(presentApiToken) })),
  );
  router.post(
    '/tokens',
    endpoint('tokens.own', { body: createTokenBody }, async ({ body, user, res }) => {
      const { token, secret } = await createApiToken(ctx, { userId: user.id, name: body.name });
      res.status(201);
      return { token: presentApiToken(token), secret };
    }),
  );
  router.delete(
    '/tokens/:id',
    endpoint('tokens.own', { params: idParams }, async ({ params, user }) => ({
      token: presentApiToken(await revokeOwnApiToken(ctx, { userId: user.id, tokenId: params.id })),
    })),
  );
  return router;
}

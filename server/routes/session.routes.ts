import { Router } from 'express';
import type { PassportStatic } from 'passport';
import { z } from 'zod';
import { endpoint } from '../http/endpoint.ts';
import { csrfTokenOf } from '../http/csrf.ts';
import { loginRateLimit } from '../http/rate-limit.ts';
import { presentSession } from '../presenters/users.ts';
import { unauthenticated } from '../errors.ts';
import { signOut } from '../commands/sign-out.ts';
import type { User } from '../db/schema.ts';
import type { AppContext } from '../context.ts';

const loginBody = z.object({ email: z.string().email(), password: z.string().min(1).max(1000) });

/** Sign-in, sign-out and the caller's session (user, abilities, CSRF token). */
export function sessionRoutes(ctx: AppContext, passport: PassportStatic): Router {
  const router = Router();
  router.get(
    '/session',
    endpoint('public', {}, ({ req, res }) => presentSession(req.user, csrfTokenOf(req, res))),
  );

  router.post(
    '/auth/login',
    loginRateLimit(ctx.store.db, {
      perEmail: ctx.config.LOGIN_RATE_LIMIT,
      perAddress: ctx.config.LOGIN_RATE_LIMIT_PER_ADDRESS,
      windowMs: 15 * 60 * 1000,
    }),
    endpoint(
      'public',
      { body: loginBody },
      ({ req, res }) =>
        new Promise((resolve, reject) => {
          passport.authenticate('local', (error: unknown, user: User | false, info?: { message?: string }) => {
            if (error) return reject(error);
            if (!user) return reject(unauthenticated(info?.message ?? 'Wrong email or password'));
            // passport regenerates the session on login (no session fixation); a new CSRF token comes with it.
            req.logIn(user, (loginError) => {
              if (loginError) return reject(loginError);
              req.authVia = 'session';
              resolve(presentSession(user, csrfTokenOf(req, res)));
            });
          })(req, res);
        }),
    ),
  );

  router.post(
    '/auth/logout',
    endpoint('public', {}, async ({ req }) => {
      const { user, sessionID } = req;
      await new Promise<void>((resolve, reject) => {
        req.logOut((error) => {
          if (error) return reject(error);
          req.session.destroy((destroyError) => (destroyError ? reject(destroyError) : resolve()));
        });
      });
      if (user) await signOut(ctx, { userId: user.id, sessionId: sessionID });
      return { ok: true };
    }),
  );
  return router;
}

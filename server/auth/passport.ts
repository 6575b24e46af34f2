import passport from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import type { Request } from 'express';
import type { Db } from '../db/store.ts';
import type { User } from '../db/schema.ts';
import { findUserByEmail, findUserById } from '../db/queries/users.ts';
import { findUserByTokenHash } from '../db/queries/api-tokens.ts';
import { verifyPassword } from './password.ts';
import { hashTokenSecret } from './token-secret.ts';
import { takeUserReadWithSession } from './session-store.ts';

declare global {
  namespace Express {
    // Passport's user is our row type.
    interface User extends Omit<import('../db/schema.ts').User, never> {}
    interface Request {
      /** How the caller proved who they are: API tokens are exempt from CSRF checks, cookies are not. */
      authVia?: 'session' | 'token';
    }
  }
}

/** A dummy hash so unknown emails cost the same time as wrong passwords. */
const TIMING_DUMMY = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

/** Builds a passport instance with the local (email + password) and token (Bearer) strategies. */
export function createPassport(db: Db): passport.PassportStatic {
  const instance = new passport.Passport() as unknown as passport.PassportStatic;
  instance.use(
    new LocalStrategy({ usernameField: 'email', passwordField: 'password' }, (email, password, done) => {
      findUserByEmail(db, email)
        .then(async (user) => {
          const ok = await verifyPassword(password, user?.passwordHash ?? TIMING_DUMMY);
          if (!user || !ok) return done(null, false, { message: 'Wrong email or password' });
          if (user.disabled) return done(null, false, { message: 'This account is disabled' });
          return done(null, user);
        })
        .catch(done);
    }),
  );
  instance.use('token', {
    name: 'token',
    authenticate(req: Request) {
      const secret = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
      if (!secret) return this.fail(401);
      findUserByTokenHash(db, hashTokenSecret(secret))
        .then((user: User | undefined) => (user && !user.disabled ? this.success(user) : this.fail(401)))
        .catch((e: unknown) => this.error(e as Error));
    },
  });
  instance.serializeUser((user, done) => done(null, user.id));
  instance.deserializeUser((id: number, done) => {
    const read = takeUserReadWithSession(db, id);
    // A disabled or deleted user's session no longer authenticates.
    if (read) return done(null, read.disabled ? false : read);
    findUserById(db, id)
      // A disabled or deleted user's session no longer authenticates.
      .then((user) => done(null, user && !user.disabled ? user : false))
      .catch(done);
  });
  return instance;
}

import session from 'express-session';
import type { Db } from '../db/store.ts';
import { deleteSession, readSession, touchSession, writeSession } from '../db/queries/sessions.ts';

const DEFAULT_TTL_MS = 7 * 24 * 3600 * 1000;

/** express-session store on the project's own database, so sessions survive restarts and are shared by processes. */
export class PostgresSessionStore extends session.Store {
  constructor(private readonly db: Db) {
    super();
  }

  override get(sid: string, callback: (err: unknown, session?: session.SessionData | null) => void) {
    readSession(this.db, sid).then((data) => callback(null, (data as session.SessionData) ?? null), callback);
  }

  override set(sid: string, data: session.SessionData, callback?: (err?: unknown) => void) {
    writeSession(this.db, sid, data, expiryOf(data)).then(
      () => callback?.(),
      (e) => callback?.(e),
    );
  }

  override destroy(sid: string, callback?: (err?: unknown) => void) {
    deleteSession(this.db, sid).then(
      () => callback?.(),
      (e) => callback?.(e),
    );
  }

  override touch(sid: string, data: session.SessionData, callback?: () => void) {
    touchSession(this.db, sid, expiryOf(data)).then(
      () => callback?.(),
      () => callback?.(),
    );
  }
}

function expiryOf(data: session.SessionData): Date {
  const expires = data.cookie?.expires;
  return expires ? new Date(expires) : new Date(Date.now() + DEFAULT_TTL_MS);
}

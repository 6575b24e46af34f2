import session from 'express-session';
import type { Db } from '../db/store.ts';
import type { User } from '../db/schema.ts';
import { deleteSession, readSessionWithUser, touchSession, writeSession } from '../db/queries/sessions.ts';

const DEFAULT_TTL_MS = 7 * 24 * 3600 * 1000;
/**
 * A session's expiry is pushed back at most this often per process: rolling sessions would otherwise write their row
 * on every request. Against a lifetime of a week, an expiry up to a minute short is no difference.
 */
export const TOUCH_EVERY_MS = 60_000;
/** The user row read with a session serves the same request's sign-in check only while this fresh. */
const USER_READ_FRESH_MS = 1000;
/** Past this many remembered sessions the memory of touches starts over (a few extra writes, no harm). */
const MAX_TRACKED = 50_000;

/** Users read together with their session, waiting for passport's deserializeUser in the same request. */
const usersReadWithSession = new WeakMap<Db, Map<number, { user: User; at: number }>>();

/**
 * The user row this store read a moment ago with the session that names it, taken once; undefined when there is none
 * fresh enough (passport then reads the user itself). Saves each authenticated request a second round trip.
 */
export function takeUserReadWithSession(db: Db, userId: number): User | undefined {
  const read = usersReadWithSession.get(db)?.get(userId);
  if (!read) return undefined;
  usersReadWithSession.get(db)!.delete(userId);
  return Date.now() - read.at < USER_READ_FRESH_MS ? read.user : undefined;
}

/** express-session store on the project's own database, so sessions survive restarts and are shared by processes. */
export class PostgresSessionStore extends session.Store {
  private readonly touchedAt = new Map<string, number>();
  private readonly readUsers = new Map<number, { user: User; at: number }>();

  constructor(private readonly db: Db) {
    super();
    usersReadWithSession.set(db, this.readUsers);
  }

  override get(sid: string, callback: (err: unknown, session?: session.SessionData | null) => void) {
    readSessionWithUser(this.db, sid).then((read) => {
      if (read?.user) {
        if (this.readUsers.size > MAX_TRACKED) this.readUsers.clear();
        this.readUsers.set(read.user.id, { user: read.user, at: Date.now() });
      }
      callback(null, (read?.data as session.SessionData) ?? null);
    }, callback);
  }

  override set(sid: string, data: session.SessionData, callback?: (err?: unknown) => void) {
    writeSession(this.db, sid, data, expiryOf(data)).then(
      () => (this.touchedAt.set(sid, Date.now()), callback?.()),
      (e) => callback?.(e),
    );
  }

  override destroy(sid: string, callback?: (err?: unknown) => void) {
    this.touchedAt.delete(sid);
    deleteSession(this.db, sid).then(
      () => callback?.(),
      (e) => callback?.(e),
    );
  }

  override touch(sid: string, data: session.SessionData, callback?: () => void) {
    const last = this.touchedAt.get(sid);
    if (last !== undefined && Date.now() - last < TOUCH_EVERY_MS) return callback?.();
    if (this.touchedAt.size > MAX_TRACKED) this.touchedAt.clear();
    this.touchedAt.set(sid, Date.now());
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

import type { Socket } from 'socket.io-client';
import type { ClientEventMap } from '../../server/realtime/client-events.ts';

type Listeners = { [E in keyof ClientEventMap]: (payload: ClientEventMap[E]) => void };
type Emits = { 'watch:project': (projectId: number, ack: (r: { ok: boolean; error?: string }) => void) => void };
type AppSocket = Socket<Listeners, Emits>;

let socket: Promise<AppSocket> | null = null;

/**
 * The one Socket.IO connection, same origin so the session cookie rides on the handshake. Opened on first use, and
 * its library (about 13 kB gzip) fetched only then, so a page shows before it arrives: the labeling page is first
 * read on annotators' connections, and live updates can follow a moment later.
 */
function connection(): Promise<AppSocket> {
  socket ??= import('socket.io-client').then(({ io }) => {
    const s: AppSocket = io({ withCredentials: true });
    // The server drops a user's sockets when their role or access changes; connecting again lets the handshake
    // decide afresh (a disabled user is refused, and Socket.IO does not retry a refused handshake).
    s.on('disconnect', (reason) => {
      if (reason === 'io server disconnect') s.connect();
    });
    return s;
  });
  return socket;
}

/** Runs `setup` on the connection once it is open; the returned function undoes it, or cancels it if not yet run. */
function withSocket(setup: (s: AppSocket) => () => void): () => void {
  let undo: (() => void) | null = null;
  let cancelled = false;
  connection().then(
    (s) => {
      if (!cancelled) undo = setup(s);
    },
    (error: unknown) => console.warn('Live updates are unavailable:', error),
  );
  return () => {
    cancelled = true;
    undo?.();
  };
}

/** Calls `listener` each time the socket (re)connects; returns the unsubscribe function. */
export function onConnect(listener: () => void): () => void {
  return withSocket((s) => {
    s.on('connect', listener);
    return () => s.off('connect', listener);
  });
}

/**
 * Joins a project's room and listens to one of its events; returns the unsubscribe function.
 * Re-joins after a reconnect because rooms do not survive a dropped connection.
 */
export function onProjectEvent<E extends keyof ClientEventMap>(
  projectId: number,
  event: E,
  listener: (payload: ClientEventMap[E]) => void,
): () => void {
  return withSocket((s) => {
    const join = () => s.emit('watch:project', projectId, () => {});
    const handler = ((payload: ClientEventMap[E]) => {
      if (payload.projectId === projectId) listener(payload);
    }) as Listeners[E];
    if (s.connected) join();
    s.on('connect', join);
    (s.on as (e: E, l: Listeners[E]) => void)(event, handler);
    return () => {
      s.off('connect', join);
      (s.off as (e: E, l: Listeners[E]) => void)(event, handler);
    };
  });
}

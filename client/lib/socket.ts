import { io, type Socket } from 'socket.io-client';
import type { ClientEventMap } from '../../server/realtime/client-events.ts';

type Listeners = { [E in keyof ClientEventMap]: (payload: ClientEventMap[E]) => void };
type Emits = { 'watch:project': (projectId: number, ack: (r: { ok: boolean; error?: string }) => void) => void };

let socket: Socket<Listeners, Emits> | null = null;

/** The one Socket.IO connection, same origin so the session cookie rides on the handshake. */
export function getSocket(): Socket<Listeners, Emits> {
  if (!socket) {
    socket = io({ withCredentials: true });
    // The server drops a user's sockets when their role or access changes; connecting again lets the handshake
    // decide afresh (a disabled user is refused, and Socket.IO does not retry a refused handshake).
    socket.on('disconnect', (reason) => {
      if (reason === 'io server disconnect') socket?.connect();
    });
  }
  return socket;
}

/**
 * Joins a project's room and listens to one of its events; returns the unsubscribe function.
 * Re-joins after a reconnect because rooms do not survive a dropped connection.
 */
export function onProjectEvent<E extends keyof ClientEventMap>(projectId: number, event: E, listener: (payload: ClientEventMap[E]) => void): () => void {
  const s = getSocket();
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
}

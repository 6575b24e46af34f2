import pg from 'pg';
import { createAdapter } from '@socket.io/postgres-adapter';
import type { Server as SocketServer } from 'socket.io';
import type { Store } from '../db/store.ts';

/** LISTEN, NOTIFY and the attachment cleanup: a handful of connections is plenty. */
const ADAPTER_POOL_SIZE = 3;

/**
 * Several server processes on one PostgreSQL: broadcasts (room emits, `disconnectSockets`) go through
 * LISTEN/NOTIFY, so a room's sockets hear an event whichever process emitted it. PGlite is one process by
 * construction and keeps Socket.IO's in-memory adapter.
 *
 * The adapter holds one connection in LISTEN for the life of the process, so it gets a small pool of its own
 * instead of a seat in the request pool (and never hands a listening connection back to it). Every connection of
 * that pool has an error listener: when the database restarts or terminates the backend, the adapter logs,
 * reconnects by itself, and the process lives on (pg re-emits a checked-out client's 'error', and an unheard one
 * ends the process).
 * @returns closes the adapter's pool; call it after `io.close()` has closed the adapter.
 */
export function attachClusterAdapter(io: SocketServer, store: Store): () => Promise<void> {
  if (store.kind !== 'postgres' || !store.pool) return async () => {};
  const pool = new pg.Pool({ ...store.pool.options, max: ADAPTER_POOL_SIZE });
  const report = (error: Error) => console.warn(`realtime: cross-process events interrupted (${error.message}); reconnecting`);
  pool.on('error', report);
  pool.on('connect', (client) => {
    client.on('error', report);
    // The adapter keeps the client it LISTENs on (the one with a notification listener) and, when that connection
    // dies, takes a new one without releasing the dead one, which would then hold `pool.end()` forever.
    client.on('end', () => {
      if (client.listenerCount('notification') > 0) client.release(new Error('listening connection ended'));
    });
  });
  io.adapter(createAdapter(pool, { errorHandler: report }));
  return () => pool.end();
}

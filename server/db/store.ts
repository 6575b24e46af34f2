/**
 * Opens the one store the server uses: embedded PGlite (data under a directory, or in memory for tests) or a real
 * PostgreSQL server when a URL is given. Both sit behind the same drizzle database type and the same migrations.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import * as schema from './schema.ts';
import { acquireDataDirLock } from './data-dir-lock.ts';
import { storeUnavailable } from '../errors.ts';

/** The drizzle database, whichever driver is underneath. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction or the database itself: queries accept either. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0] | Db;

export interface Store {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** The pg pool, for the real server only (Socket.IO adapter, COPY in benchmarks). */
  pool?: pg.Pool;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** postgres://… to use a real server. */
  databaseUrl?: string;
  /** Directory for PGlite data; null keeps it in memory (tests). */
  dataDir?: string | null;
  /** Pool size for the real server. */
  poolSize?: number;
  /**
   * For an in-memory store: a dump of a migrated database (from `snapshotPglite`) to start from. A fresh PGlite
   * spends seconds in initdb, and tests open a store per file; migrations still run on it, so it may lag behind.
   */
  pgliteSnapshot?: Blob;
}

const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
/** Serializes migrations when several server processes start against one database. */
const MIGRATION_LOCK_KEY = 7_302_114;

/** Opens the store and brings its schema up to date. */
export async function openStore(options: StoreOptions): Promise<Store> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.poolSize ?? 20);
  return openPglite(options.dataDir ?? null, options.pgliteSnapshot);
}

/** An empty in-memory database with every migration applied, dumped for `pgliteSnapshot`. */
export async function snapshotPglite(): Promise<Blob> {
  const client = new PGlite();
  try {
    await migratePglite(drizzlePglite(client, { schema }), { migrationsFolder });
    return await client.dumpDataDir('none');
  } finally {
    await client.close();
  }
}

type ConnectCallback = Parameters<pg.Pool['connect']>[0] & {};

/**
 * A pool whose every failure to hand out a connection (refused, the database restarting or refusing connections,
 * too many clients, no free connection in time) is a 503 store_unavailable: the request met no database, which is
 * worth retrying and no fault of its input. `pool.query` connects through `connect`, so this covers both. Every
 * connection it hands out goes back to it when it dies (see handBackWhenDead).
 */
class StorePool extends pg.Pool {
  override connect(): Promise<pg.PoolClient>;
  override connect(callback: ConnectCallback): void;
  override connect(callback?: ConnectCallback): Promise<pg.PoolClient> | void {
    if (!callback) {
      return super.connect().then(handBackWhenDead, (error: unknown) => {
        throw storeUnavailable(error);
      });
    }
    super.connect((error, client, done) => {
      if (error || !client) return callback(error && storeUnavailable(error), client, done);
      const held = handBackWhenDead(client);
      callback(undefined, held, held.release);
    });
  }
}

/**
 * Releases a checked-out connection the moment it dies, and makes its holder's own release a no-op afterwards.
 * drizzle's node-postgres transaction() sends BEGIN before the try/finally that releases, so a connection lost on
 * BEGIN was never given back (drizzle-orm#6023, open): each database restart cost the pool seats for good, until
 * every request waited for a connection that never came.
 */
function handBackWhenDead(client: pg.PoolClient): pg.PoolClient {
  const release = client.release;
  let released = false;
  const handBack = (error?: Error | boolean) => {
    if (released) return;
    released = true;
    client.off('error', handBack);
    release(error);
  };
  client.on('error', handBack);
  client.release = handBack;
  return client;
}

/** Waiting longer for a connection than this answers 503 rather than holding the request without end. */
const CONNECT_TIMEOUT_MS = 10_000;

async function openPostgres(url: string, max: number): Promise<Store> {
  const pool = new StorePool({ connectionString: url, max, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // A restart or crash of PostgreSQL ends every connection with an 'error' event, which would end the process if
  // nobody listened. Checked-out clients (transactions, LISTEN) have no listener of the pool's, so each client gets
  // one; the query in flight rejects on its own (and answers 503), and the pool drops the dead client.
  pool.on('connect', (client) => client.on('error', (error) => console.warn(`database connection lost: ${error.message}`)));
  // The pool re-emits an idle client's error here; that client's own listener above has logged it.
  pool.on('error', () => {});
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await migratePg(drizzlePg(client, { schema }), { migrationsFolder });
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {});
    client.release();
  }
  return { db, kind: 'postgres', pool, close: () => pool.end() };
}

async function openPglite(dataDir: string | null, snapshot: Blob | undefined): Promise<Store> {
  const release = dataDir ? acquireDataDirLock(dataDir) : () => {};
  try {
    if (dataDir) fs.mkdirSync(dataDir, { recursive: true });
    const client = dataDir ? new PGlite(path.join(dataDir, 'pg')) : new PGlite({ loadDataDir: snapshot });
    // The migrator takes the PGlite database as drizzle types it; the rest of the server sees the common Db type.
    const pgliteDb = drizzlePglite(client, { schema });
    await migratePglite(pgliteDb, { migrationsFolder });
    return {
      db: pgliteDb as unknown as Db,
      kind: 'pglite',
      close: async () => {
        await client.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

/** Runs a raw statement and returns its rows, the same on both drivers. */
export async function rowsOf<T>(db: Tx, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

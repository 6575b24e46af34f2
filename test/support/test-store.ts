import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import pg from 'pg';
import { inject } from 'vitest';
import { openStore, type Store } from '../../server/db/store.ts';

/**
 * A fresh, empty store for one test file: PGlite in memory by default (started from the migrated snapshot that
 * pglite-snapshot.ts made for the run), or, when DATABASE_URL is set, a new database on that PostgreSQL server,
 * dropped again on close. Tests never share state.
 */
export async function openTestStore(): Promise<Store> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const snapshot = inject('pgliteSnapshot');
    return openStore({ dataDir: null, pgliteSnapshot: snapshot ? new Blob([fs.readFileSync(snapshot)]) : undefined });
  }
  const name = `curate_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(url, `create database ${name}`);
  const dbUrl = new URL(url);
  dbUrl.pathname = `/${name}`;
  const store = await openStore({ databaseUrl: dbUrl.toString(), poolSize: 30 });
  return {
    ...store,
    close: async () => {
      await store.close();
      await dropWhenIdle(url, name);
    },
  };
}

async function adminQuery(url: string, statement: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Drops a test database once its connections are gone (a closing pool may take a moment to let go). */
async function dropWhenIdle(url: string, name: string) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await adminQuery(url, `drop database if exists ${name}`);
    } catch (error) {
      if ((error as { code?: string }).code !== '55006' || attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore, type Store } from '../../server/db/store.ts';

/**
 * A throwaway database on the PostgreSQL server named by DATABASE_URL (or the local default), for benchmarks
 * that must measure the real server.
 */
export async function createBenchDatabase() {
  const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres';
  const name = `curate_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/**
 * Runs a benchmark body against a fresh database and store, dropping both afterwards; a failure prints and
 * exits non-zero.
 */
export function runBenchmark(body: (env: { url: string; store: Store }) => Promise<void>, poolSize = 20) {
  (async () => {
    const bench = await createBenchDatabase();
    const store = await openStore({ databaseUrl: bench.url, poolSize });
    try {
      await body({ url: bench.url, store });
    } finally {
      await store.close();
      await bench.drop();
    }
  })().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}

/** Peak resident memory of this process so far, in MB. */
export const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

export { seededRandom } from '../../server/aggregation/random.ts';

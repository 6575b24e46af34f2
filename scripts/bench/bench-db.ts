import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
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

/**
 * Starts the real server (server/main.ts) as a child process on a free port against the given database, so a
 * benchmark measures the server's own memory apart from the load generator's.
 * @param nodeArgs extra node options for the server (`--cpu-prof` to profile it)
 */
export async function startServerProcess(databaseUrl: string, nodeArgs: string[] = []) {
  const port = await new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path.join(root, 'server/main.ts')], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      SEED_DEMO: 'false',
      ADMIN_PASSWORD: 'bench-admin-password',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('listening') && resolve());
  });
  return {
    url: `http://127.0.0.1:${port}`,
    /** The server's process id (bench:judges kills it with SIGKILL mid-run). */
    pid: child.pid!,
    /** The server's peak resident memory so far, in MB (Linux VmHWM). */
    peakRssMb: () => Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024,
    stop: () => new Promise<void>((resolve) => (child.once('exit', () => resolve()), child.kill('SIGTERM'))),
  };
}

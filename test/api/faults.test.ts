import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { openStore, rowsOf, type Store } from '../../server/db/store.ts';
import { openTestStore } from '../support/test-store.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { buildTokenClient } from '../support/factories.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const adminUrl = process.env.DATABASE_URL;
const onPostgres = !!adminUrl;

/** Runs one statement on the server's maintenance database, outside the store under test. */
async function adminQuery(statement: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return (await client.query(statement)).rows;
  } finally {
    await client.end();
  }
}

/** What a restart or crash of PostgreSQL does to the server's connections: every backend of the database ends. */
const terminateBackends = (database: string) =>
  adminQuery(`select pg_terminate_backend(pid) from pg_stat_activity where datname = '${database}' and pid <> pg_backend_pid()`);

const databaseOf = async (store: Store) => (await rowsOf<{ name: string }>(store.db, sql`select current_database() as name`))[0].name;

describe('a store that cannot be reached', () => {
  it('answers 503 store_unavailable when nothing listens at its address', async () => {
    await expect(openStore({ databaseUrl: 'postgres://postgres@127.0.0.1:1/nothing' })).rejects.toMatchObject({
      status: 503,
      id: 'store_unavailable',
      cause: expect.objectContaining({ code: 'ECONNREFUSED' }),
    });
  });
});

describe.skipIf(!onPostgres)('PostgreSQL going away under a running server process (PostgreSQL only)', () => {
  let store: Store;
  let database: string;
  let child: ChildProcess | undefined;
  let output = '';
  beforeAll(async () => {
    // A migrated database of its own, served by a real `server/main.ts` process as in production.
    store = await openTestStore();
    database = await databaseOf(store);
  });
  afterAll(async () => {
    if (child && child.exitCode === null) await new Promise((resolve) => (child!.once('exit', resolve), child!.kill('SIGTERM')));
    await store?.close();
  });

  it('survives its backends being terminated twice mid-load, answers nothing but 200 or 503 meanwhile, and serves again', async () => {
    const url = new URL(adminUrl!);
    url.pathname = `/${database}`;
    child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'server/main.ts')], {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: url.toString(),
        PORT: '0',
        HOST: '127.0.0.1',
        ADMIN_PASSWORD: 'fault-password',
        SESSION_SECRET: 'fault-secret-fault-secret',
      },
    });
    const base = await new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const found = /listening on (http:\/\/\S+)/.exec(output)?.[1];
        if (found && /Admin login/.test(output)) resolve(found);
      };
      child!.stdout!.on('data', onData);
      child!.stderr!.on('data', onData);
      child!.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
    });

    const session = await fetch(`${base}/api/session`);
    const anonymousCookie = session.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: anonymousCookie, 'x-csrf-token': (await session.json()).csrfToken },
      body: JSON.stringify({ email: 'admin@curate.local', password: 'fault-password' }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const csrf = (await login.json()).csrfToken as string;
    const { projects } = await (await fetch(`${base}/api/projects`, { headers: { cookie } })).json();
    const demoId = projects[0].id as number;

    // Reads (session, projects) and lease writes in transactions, from 8 clients at once, until told to stop.
    const statuses = new Map<number, number>();
    const bodiesOf503: unknown[] = [];
    let stop = false;
    const load = async () => {
      for (let i = 0; !stop; i++) {
        const res =
          i % 2
            ? await fetch(`${base}/api/projects`, { headers: { cookie } })
            : await fetch(`${base}/api/projects/${demoId}/tasks/lease`, {
                method: 'POST',
                headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf },
                body: JSON.stringify({ count: 2 }),
              });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const body = await res.json();
        if (res.status === 503) bodiesOf503.push(body);
      }
    };
    // A client whose request finds no server (the process died) stops and keeps the error for the assertions.
    const clients = Array.from({ length: 8 }, () => load().catch((error: unknown) => error));
    const served = () => statuses.get(200) ?? 0;
    const serveMore = async (n: number) => {
      const target = served() + n;
      while (served() < target) {
        if (child!.exitCode !== null) throw new Error(`the server died:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    for (const round of [1, 2]) {
      await serveMore(20);
      const terminated = await terminateBackends(database);
      expect(terminated.length, `round ${round}: backends of the server to terminate`).toBeGreaterThan(0);
    }
    // It recovers by itself: requests succeed again after the second termination.
    await serveMore(20);
    stop = true;
    expect((await Promise.all(clients)).filter(Boolean)).toEqual([]);

    console.log('responses by status while backends were terminated twice:', Object.fromEntries(statuses));
    expect(child.exitCode, output).toBeNull();
    expect(output).not.toMatch(/Unhandled 'error' event/);
    // Nothing but success or a clear "try again": no 500s while the connections drop.
    expect(
      [...statuses.keys()].filter((s) => s !== 200 && s !== 503),
      JSON.stringify([...statuses]),
    ).toEqual([]);
    for (const body of bodiesOf503) expect(body).toMatchObject({ error: { id: 'store_unavailable', message: expect.stringMatching(/database/i) } });
    const health = await fetch(`${base}/api/projects`, { headers: { cookie } });
    expect(health.status).toBe(200);
  });
});

describe.skipIf(!onPostgres)('requests while the database refuses connections (PostgreSQL only)', () => {
  let t: TestApp;
  let database: string;
  beforeAll(async () => {
    t = await startTestApp();
    database = await databaseOf(t.ctx.store);
  });
  afterAll(async () => {
    await adminQuery(`alter database ${database} allow_connections true`);
    await t?.close();
  });

  it('answer 503 store_unavailable with Retry-After, and succeed again once it is back', async () => {
    const annotator = await buildTokenClient(t);
    await annotator.get('/api/projects').expect(200);

    await adminQuery(`alter database ${database} allow_connections false`);
    await terminateBackends(database);
    for (let i = 0; i < 3; i++) {
      const res = await annotator.get('/api/projects');
      expect(res.status).toBe(503);
      expect(res.body.error).toMatchObject({ id: 'store_unavailable', message: expect.stringMatching(/database/i) });
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    }

    await adminQuery(`alter database ${database} allow_connections true`);
    await annotator.get('/api/projects').expect(200);
  });
});

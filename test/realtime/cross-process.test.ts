import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { io as connect, type Socket } from 'socket.io-client';
import { startSecondApp, startTestApp, type TestApp } from '../support/test-app.ts';
import { buildBatch, buildDocuments, buildTokenClient } from '../support/factories.ts';
import type { ClientEventMap } from '../../server/realtime/client-events.ts';
import { rowsOf } from '../../server/db/store.ts';
import { sql } from 'drizzle-orm';

// Two server processes exist only on PostgreSQL: PGlite is one process per data directory by construction.
const onPostgres = Boolean(process.env.DATABASE_URL);
const EVENT_WAIT_MS = 15_000;

let a: TestApp;
let b: TestApp;
const sockets: Socket[] = [];

beforeAll(async () => {
  if (!onPostgres) return;
  a = await startTestApp();
  b = await startSecondApp(a);
  await seeEachOther([a, b]);
});
afterAll(async () => {
  if (!onPostgres) return;
  for (const s of sockets) s.disconnect();
  await b.close();
  await a.close();
});

/** Waits (bounded) until every app's adapter counts all the others, so a broadcast from one reaches the rest. */
async function seeEachOther(apps: TestApp[]) {
  const deadline = Date.now() + EVENT_WAIT_MS;
  while (Date.now() < deadline) {
    const counts = await Promise.all(apps.map((app) => app.built.io.of('/').adapter.serverCount()));
    if (counts.every((n) => n === apps.length)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function open(app: TestApp, cookie: string): Promise<Socket> {
  const socket = connect(app.url, { transports: ['websocket'], extraHeaders: { cookie }, reconnection: false, forceNew: true });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

/** The first matching event, or a rejection naming it once the bounded wait is over. */
function next<K extends keyof ClientEventMap>(socket: Socket, name: K, where: (p: ClientEventMap[K]) => boolean) {
  return new Promise<ClientEventMap[K]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${name} within ${EVENT_WAIT_MS} ms`)), EVENT_WAIT_MS);
    const listener = (payload: ClientEventMap[K]) => {
      if (!where(payload)) return;
      clearTimeout(timer);
      socket.off(name as string, listener);
      resolve(payload);
    };
    socket.on(name as string, listener);
  });
}

describe.skipIf(!onPostgres)('two server processes on one PostgreSQL', () => {
  it('streams progress of a judgment submitted on B to staff watching on A', async () => {
    const project = await a.buildProject();
    await buildDocuments(a, project.id, [
      { id: 'x', text: `text ${randomUUID()}` },
      { id: 'y', text: `text ${randomUUID()}` },
    ]);
    const batch = await buildBatch(a, project.id, { redundancy: 1 });
    const watcher = await open(a, (await a.signIn(a.admin)).cookie);
    expect(await watcher.emitWithAck('watch:project', project.id)).toEqual({ ok: true });

    const progress = next(watcher, 'batch:progress', (p) => p.batchId === batch.batch.id && p.done === 1);
    const client = await buildTokenClient(b);
    const leased = await client.post(`/api/projects/${project.id}/tasks/lease`, { count: 1 }).expect(200);
    await client
      .post(`/api/projects/${project.id}/judgments`, { clientId: randomUUID(), slotId: leased.body.tasks[0].slotId, value: { score: 3 } })
      .expect(201);
    expect(await progress).toMatchObject({ projectId: project.id, batchId: batch.batch.id, done: 1, items: 2, itemsComplete: 1 });
  });

  it('tells annotators connected to A about a batch opened on B', async () => {
    const project = await a.buildProject();
    await buildDocuments(a, project.id, [{ id: 'x', text: `text ${randomUUID()}` }]);
    const annotators = await Promise.all([1, 2].map(async () => open(a, (await a.signIn(await a.buildUser('annotator'))).cookie)));
    const heard = annotators.map((socket) => next(socket, 'batch:opened', (p) => p.projectId === project.id));
    const batch = await buildBatch(b, project.id, { name: 'from B', redundancy: 1 });
    for (const opened of await Promise.all(heard)) expect(opened).toEqual({ projectId: project.id, batchId: batch.batch.id, name: 'from B' });
  });

  it('disconnects on A the sockets of a user disabled on B', async () => {
    const annotator = await a.buildUser('annotator');
    const socket = await open(a, (await a.signIn(annotator)).cookie);
    const gone = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`still connected after ${EVENT_WAIT_MS} ms`)), EVENT_WAIT_MS);
      socket.once('disconnect', (reason) => (clearTimeout(timer), resolve(reason)));
    });
    const admin = await b.signIn(b.admin);
    await admin.agent.patch(`/api/users/${annotator.id}`).set('X-CSRF-Token', admin.csrf).send({ disabled: true }).expect(200);
    expect(await gone).toBe('io server disconnect');
  });

  it('lives through the database dropping its listening connections, and carries events again once it reconnects', async () => {
    const listeners = () =>
      rowsOf<{ pid: number }>(a.ctx.store.db, sql`select pid from pg_stat_activity where datname = current_database() and query like 'LISTEN %'`);
    const dropped = new Set((await listeners()).map((l) => Number(l.pid)));
    expect(dropped.size).toBe(2);
    await a.ctx.store.db.execute(
      sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query like 'LISTEN %'`,
    );
    // A terminated backend can still be listed for a moment after pg_terminate_backend returns: wait for two new ones.
    const listeningAgain = async () => {
      const pids = (await listeners()).map((l) => Number(l.pid)).filter((pid) => !dropped.has(pid));
      return pids.length;
    };
    await expect.poll(listeningAgain, { timeout: EVENT_WAIT_MS, interval: 200 }).toBe(2);

    const project = await a.buildProject();
    await buildDocuments(a, project.id, [{ id: 'x', text: `text ${randomUUID()}` }]);
    const annotator = await open(a, (await a.signIn(await a.buildUser('annotator'))).cookie);
    const opened = next(annotator, 'batch:opened', (p) => p.projectId === project.id);
    const batch = await buildBatch(b, project.id, { name: 'after the drop', redundancy: 1 });
    expect(await opened).toMatchObject({ batchId: batch.batch.id });
  });
});

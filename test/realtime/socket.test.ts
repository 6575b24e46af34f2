import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { io as connect, type Socket } from 'socket.io-client';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { buildBatch, buildDocuments, buildTokenClient } from '../support/factories.ts';
import type { ClientEventMap } from '../../server/realtime/client-events.ts';

let t: TestApp;
const sockets: Socket[] = [];
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await t.close();
});

function open(cookie?: string): Socket {
  const socket = connect(t.url, { transports: ['websocket'], extraHeaders: cookie ? { cookie } : {}, reconnection: false, forceNew: true });
  sockets.push(socket);
  return socket;
}

function next<K extends keyof ClientEventMap>(socket: Socket, name: K, where: (p: ClientEventMap[K]) => boolean = () => true) {
  return new Promise<ClientEventMap[K]>((resolve) => {
    const listener = (payload: ClientEventMap[K]) => {
      if (!where(payload)) return;
      socket.off(name as string, listener);
      resolve(payload);
    };
    socket.on(name as string, listener);
  });
}

const connected = (socket: Socket) =>
  new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });

describe('Socket.IO', () => {
  it('refuses a handshake without a signed-in session', async () => {
    await expect(connected(open())).rejects.toThrow(/unauthenticated/);
    await expect(connected(open('curate.sid=s%3Aforged.signature'))).rejects.toThrow(/unauthenticated/);
  });

  it('pushes new work to annotators when a batch opens', async () => {
    const project = await t.buildProject();
    await buildDocuments(t, project.id, [{ id: 'a', text: `text ${randomUUID()}` }]);
    const annotator = await t.signIn(await t.buildUser('annotator'));
    const socket = open(annotator.cookie);
    await connected(socket);
    const opened = next(socket, 'batch:opened', (p) => p.projectId === project.id);
    const batch = await buildBatch(t, project.id, { name: 'live', redundancy: 1 });
    expect(await opened).toEqual({ projectId: project.id, batchId: batch.batch.id, name: 'live' });
  });

  it('streams batch progress to staff watching the project, not to annotators', async () => {
    const project = await t.buildProject();
    await buildDocuments(t, project.id, [
      { id: 'a', text: `text ${randomUUID()}` },
      { id: 'b', text: `text ${randomUUID()}` },
    ]);
    const batch = await buildBatch(t, project.id, { redundancy: 1 });
    const admin = await t.signIn(t.admin);
    const adminSocket = open(admin.cookie);
    await connected(adminSocket);
    expect(await adminSocket.emitWithAck('watch:project', project.id)).toEqual({ ok: true });
    const annotatorSession = await t.signIn(await t.buildUser('annotator'));
    const annotatorSocket = open(annotatorSession.cookie);
    await connected(annotatorSocket);
    expect(await annotatorSocket.emitWithAck('watch:project', project.id)).toEqual({ ok: false, error: 'forbidden' });

    const progress = next(adminSocket, 'batch:progress', (p) => p.batchId === batch.batch.id && p.done === 1);
    const client = await buildTokenClient(t);
    const leased = await client.post(`/api/projects/${project.id}/tasks/lease`, { count: 1 }).expect(200);
    await client
      .post(`/api/projects/${project.id}/judgments`, { clientId: randomUUID(), slotId: leased.body.tasks[0].slotId, value: { score: 3 } })
      .expect(201);
    expect(await progress).toMatchObject({
      projectId: project.id,
      batchId: batch.batch.id,
      done: 1,
      open: 1,
      items: 2,
      itemsComplete: 1,
      judgmentsPerMinute: 1,
    });
  });

  it("announces a batch's progress once more when it goes quiet, for watchers whose process missed the event", async () => {
    // Across processes an event published while another process's LISTEN connection reconnects (a database restart)
    // never reaches it; the settled state, announced again, does.
    const project = await t.buildProject();
    await buildDocuments(t, project.id, [{ id: 'a', text: `text ${randomUUID()}` }]);
    const batch = await buildBatch(t, project.id, { redundancy: 1 });
    const adminSocket = open((await t.signIn(t.admin)).cookie);
    await connected(adminSocket);
    await adminSocket.emitWithAck('watch:project', project.id);
    const done: unknown[] = [];
    adminSocket.on('batch:progress', (p: { batchId: number; done: number }) => {
      if (p.batchId === batch.batch.id && p.done === 1) done.push(p);
    });
    const client = await buildTokenClient(t);
    const leased = await client.post(`/api/projects/${project.id}/tasks/lease`, { count: 1 }).expect(200);
    await client
      .post(`/api/projects/${project.id}/judgments`, { clientId: randomUUID(), slotId: leased.body.tasks[0].slotId, value: { score: 3 } })
      .expect(201);
    await expect.poll(() => done.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
  });

  it('reports new leases too, so staff see work in progress before any judgment', async () => {
    const project = await t.buildProject();
    await buildDocuments(t, project.id, [
      { id: 'a', text: `text ${randomUUID()}` },
      { id: 'b', text: `text ${randomUUID()}` },
    ]);
    const batch = await buildBatch(t, project.id, { redundancy: 1 });
    const adminSocket = open((await t.signIn(t.admin)).cookie);
    await connected(adminSocket);
    await adminSocket.emitWithAck('watch:project', project.id);
    const progress = next(adminSocket, 'batch:progress', (p) => p.batchId === batch.batch.id);
    const client = await buildTokenClient(t);
    await client.post(`/api/projects/${project.id}/tasks/lease`, { count: 2 }).expect(200);
    expect(await progress).toMatchObject({ batchId: batch.batch.id, done: 0, leased: 2, open: 0 });
  });

  it('streams import progress to the project room', async () => {
    const project = await t.buildProject();
    const admin = await t.signIn(t.admin);
    const socket = open(admin.cookie);
    await connected(socket);
    await socket.emitWithAck('watch:project', project.id);
    const done = next(socket, 'import:done', (p) => p.projectId === project.id);
    const body = Array.from({ length: 50 }, (_, i) => JSON.stringify({ text: `doc ${i}` })).join('\n');
    await admin.agent
      .post(`/api/projects/${project.id}/imports?filename=x.jsonl`)
      .set('X-CSRF-Token', admin.csrf)
      .set('Content-Type', 'application/octet-stream')
      .send(body)
      .expect(200);
    expect(await done).toMatchObject({ status: 'succeeded', message: expect.stringMatching(/Imported 50/) });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import request from 'supertest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { buildTokenClient } from '../support/factories.ts';

const WAIT_MS = 10_000;
let t: TestApp;
const sockets: Socket[] = [];
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await t.close();
});

function open(headers: Record<string, string>): Socket {
  const socket = connect(t.url, { transports: ['websocket'], extraHeaders: headers, reconnection: false, forceNew: true });
  sockets.push(socket);
  return socket;
}

/** Resolves once connected; rejects with the server's reason when the handshake is refused. */
const connected = (socket: Socket) =>
  new Promise<Socket>((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });

/** The reason the socket was disconnected, or a rejection when it stays connected for the bounded wait. */
const disconnected = (socket: Socket) =>
  new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still connected after ${WAIT_MS} ms`)), WAIT_MS);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });

describe("sockets follow the user's access", () => {
  it("disconnects the sockets of a session that logs out, whose reconnection is refused; the user's other sessions reconnect", async () => {
    const annotator = await t.buildUser('annotator');
    const leaving = await t.signIn(annotator);
    const staying = await t.signIn(annotator);
    const mine = await connected(open({ cookie: leaving.cookie }));
    const elsewhere = await connected(open({ cookie: staying.cookie }));
    const gone = [disconnected(mine), disconnected(elsewhere)];
    await leaving.agent.post('/api/auth/logout').set('X-CSRF-Token', leaving.csrf).expect(200);
    expect(await Promise.all(gone)).toEqual(['io server disconnect', 'io server disconnect']);
    await expect(connected(open({ cookie: leaving.cookie }))).rejects.toThrow(/unauthenticated/);
    expect((await connected(open({ cookie: staying.cookie }))).connected).toBe(true);
  });

  it("disconnects a disabled user's sockets, refuses them again, and leaves other users connected", async () => {
    const annotator = await t.buildUser('annotator');
    const session = await t.signIn(annotator);
    const mine = [await connected(open({ cookie: session.cookie })), await connected(open({ cookie: session.cookie }))];
    const other = await connected(open({ cookie: (await t.signIn(await t.buildUser('annotator'))).cookie }));
    const admin = await t.signIn(t.admin);

    const gone = mine.map(disconnected);
    await admin.agent.patch(`/api/users/${annotator.id}`).set('X-CSRF-Token', admin.csrf).send({ disabled: true }).expect(200);
    expect(await Promise.all(gone)).toEqual(['io server disconnect', 'io server disconnect']);
    await expect(connected(open({ cookie: session.cookie }))).rejects.toThrow(/unauthenticated/);
    expect(other.connected).toBe(true);
  });

  it("disconnects a demoted user, whose new connection has only the new role's rights", async () => {
    const reviewer = await t.buildUser('reviewer');
    const session = await t.signIn(reviewer);
    const project = await t.buildProject();
    const before = await connected(open({ cookie: session.cookie }));
    const admin = await t.signIn(t.admin);

    const gone = disconnected(before);
    await admin.agent.patch(`/api/users/${reviewer.id}`).set('X-CSRF-Token', admin.csrf).send({ role: 'annotator' }).expect(200);
    expect(await gone).toBe('io server disconnect');
    const after = await connected(open({ cookie: session.cookie }));
    expect(await after.emitWithAck('watch:project', project.id)).toEqual({ ok: false, error: 'forbidden' });
  });

  it('disconnects a socket opened with an API token once the token is revoked, and refuses the token after', async () => {
    const client = await buildTokenClient(t);
    const socket = await connected(open({ authorization: client.authorization }));
    const [token] = (await client.get('/api/tokens').expect(200)).body.tokens;

    const gone = disconnected(socket);
    await request(t.url).delete(`/api/tokens/${token.id}`).set('Authorization', client.authorization).expect(200);
    expect(await gone).toBe('io server disconnect');
    await expect(connected(open({ authorization: client.authorization }))).rejects.toThrow();
  });
});

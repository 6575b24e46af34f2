import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../server/db/store.ts';
import { DatabaseRateLimitStore } from '../../server/http/rate-limit-store.ts';
import { startSecondApp, startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.ts';

const LIMIT = 5;
const PER_ADDRESS = 8;
const limits = { LOGIN_RATE_LIMIT: String(LIMIT), LOGIN_RATE_LIMIT_PER_ADDRESS: String(PER_ADDRESS) };

let t: TestApp;
let proxied: TestApp;
beforeAll(async () => {
  t = await startTestApp(limits);
  proxied = await startTestApp({ ...limits, TRUST_PROXY: 'loopback' });
});
afterAll(async () => {
  await t?.close();
  await proxied?.close();
});

async function count(app: TestApp, table: 'sessions' | 'rate_limits'): Promise<number> {
  const [row] = await rowsOf<{ n: number }>(app.ctx.store.db, sql`select count(*)::int as n from ${sql.identifier(table)}`);
  return row.n;
}

/** A fresh anonymous client with the CSRF token its cookie carries. */
async function anonymous(app: TestApp) {
  const agent = request.agent(app.url);
  const { body } = await agent.get('/api/session').expect(200);
  return { agent, csrf: body.csrfToken as string };
}

async function attempt(app: TestApp, email: string, password: string, forwardedFor?: string) {
  const { agent, csrf } = await anonymous(app);
  const req = agent.post('/api/auth/login').set('X-CSRF-Token', csrf);
  if (forwardedFor) req.set('X-Forwarded-For', forwardedFor);
  return (await req.send({ email, password })).status;
}

describe('anonymous sessions', () => {
  it('50 anonymous GET /api/session store no session row, and their token still admits a login', async () => {
    const before = await count(t, 'sessions');
    for (let i = 0; i < 50; i++) await request(t.url).get('/api/session').expect(200);
    expect(await count(t, 'sessions')).toBe(before);

    const { agent, csrf } = await anonymous(t);
    expect(await count(t, 'sessions')).toBe(before);
    const login = await agent.post('/api/auth/login').set('X-CSRF-Token', csrf).send({ email: t.admin.email, password: TEST_PASSWORD }).expect(200);
    expect(login.body.csrfToken).not.toBe(csrf);
    expect(await count(t, 'sessions')).toBe(before + 1);
  });

  it("refuses a login carrying another client's token, or a token with no cookie", async () => {
    const victim = request.agent(t.url);
    await victim.get('/api/session').expect(200);
    const attacker = await anonymous(t);
    await victim.post('/api/auth/login').set('X-CSRF-Token', attacker.csrf).send({ email: t.admin.email, password: TEST_PASSWORD }).expect(403);
    await request(t.url)
      .post('/api/auth/login')
      .set('X-CSRF-Token', attacker.csrf)
      .send({ email: t.admin.email, password: TEST_PASSWORD })
      .expect(403);
  });

  it('refuses a CSRF cookie the server did not sign', async () => {
    const { agent } = await anonymous(t);
    const res = await agent
      .post('/api/auth/login')
      .set('Cookie', 'curate.csrf=forged')
      .set('X-CSRF-Token', 'forged')
      .send({ email: t.admin.email, password: TEST_PASSWORD })
      .expect(403);
    expect(res.body.error.message).toMatch(/CSRF/);
  });

  it('lets a caller holding an API token sign in without a CSRF token, a header no page can forge', async () => {
    const { agent, csrf } = await t.signIn(t.admin);
    const { body } = await agent.post('/api/tokens').set('X-CSRF-Token', csrf).send({ name: 'login' }).expect(201);
    await request(t.url)
      .post('/api/auth/login')
      .set('Authorization', `Bearer ${body.secret}`)
      .send({ email: t.admin.email, password: TEST_PASSWORD })
      .expect(200);
  });

  it('the session-cleanup job deletes expired sessions and login counters, and keeps live ones', async () => {
    const { db } = t.ctx.store;
    await db.execute(sql`insert into sessions (sid, data, expires_at) values
      ('expired-1', '{}', now() - interval '1 minute'), ('expired-2', '{}', now() - interval '8 days'),
      ('live-1', '{}', now() + interval '1 hour')`);
    await db.execute(sql`insert into rate_limits (key, hits, reset_at) values
      ('test:expired', 3, now() - interval '1 second'), ('test:live', 3, now() + interval '1 hour')`);
    const job = t.built.jobs.find((j) => j.name === 'session-cleanup');
    expect(job).toBeDefined();
    await job!.run();
    const sids = await rowsOf<{ sid: string }>(db, sql`select sid from sessions where sid in ('expired-1', 'expired-2', 'live-1')`);
    expect(sids.map((r) => r.sid)).toEqual(['live-1']);
    const keys = await rowsOf<{ key: string }>(db, sql`select key from rate_limits where key like 'test:%'`);
    expect(keys.map((r) => r.key)).toEqual(['test:live']);
  });
});

describe('login rate limit', () => {
  beforeEach(async () => {
    for (const app of [t, proxied]) await app.ctx.store.db.execute(sql`delete from rate_limits`);
  });

  it('limits 15 attempts on one email however X-Forwarded-For rotates, when no proxy is trusted', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 15; i++) statuses.push(await attempt(t, 'victim@test.local', 'guess', `203.0.113.${i}`));
    expect(statuses).toEqual([...Array(LIMIT).fill(401), ...Array(15 - LIMIT).fill(429)]);
  });

  it('limits one address spraying many emails, whatever X-Forwarded-For it sends', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 15; i++) statuses.push(await attempt(t, `spray${i}@test.local`, 'guess', `198.51.100.${i}`));
    expect(statuses).toEqual([...Array(PER_ADDRESS).fill(401), ...Array(15 - PER_ADDRESS).fill(429)]);
  });

  it('limits attempts on one email from many addresses behind a trusted proxy', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 15; i++) statuses.push(await attempt(proxied, 'victim@test.local', 'guess', `203.0.113.${i}`));
    expect(statuses).toEqual([...Array(LIMIT).fill(401), ...Array(15 - LIMIT).fill(429)]);
  });

  it('counts each address behind a trusted proxy on its own', async () => {
    for (let i = 0; i < PER_ADDRESS; i++) expect(await attempt(proxied, `spray${i}@test.local`, 'guess', '198.51.100.1')).toBe(401);
    expect(await attempt(proxied, 'spray-next@test.local', 'guess', '198.51.100.1')).toBe(429);
    expect(await attempt(proxied, 'spray-next@test.local', 'guess', '198.51.100.2')).toBe(401);
  });

  it("lets a right password through after others' failed attempts on other emails", async () => {
    const user = await t.buildUser('annotator');
    for (let i = 0; i <= LIMIT; i++) await attempt(t, 'someone-else@test.local', 'guess');
    expect(await attempt(t, 'someone-else@test.local', 'guess')).toBe(429);
    expect(await attempt(t, user.email, TEST_PASSWORD)).toBe(200);

    const proxiedUser = await proxied.buildUser('annotator');
    for (let i = 0; i < 3 * LIMIT; i++) await attempt(proxied, `other${i % 3}@test.local`, 'guess', `192.0.2.${i}`);
    expect(await attempt(proxied, proxiedUser.email, TEST_PASSWORD, '192.0.2.200')).toBe(200);
  });

  it('a right password does not reset the count of the attempts on its email', async () => {
    const user = await t.buildUser('annotator');
    for (let i = 0; i < LIMIT - 1; i++) expect(await attempt(t, user.email, 'guess')).toBe(401);
    expect(await attempt(t, user.email, TEST_PASSWORD)).toBe(200);
    expect(await attempt(t, user.email, 'guess')).toBe(401);
    expect(await attempt(t, user.email, 'guess')).toBe(429);
  });

  it('is shared by two app instances on one database', async () => {
    const second = await startSecondApp(t, limits);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 2 * LIMIT; i++) statuses.push(await attempt(i % 2 ? second : t, 'shared@test.local', 'guess'));
      expect(statuses).toEqual([...Array(LIMIT).fill(401), ...Array(LIMIT).fill(429)]);
    } finally {
      await second.close();
    }
  });
});

describe('DatabaseRateLimitStore', () => {
  async function storeOf(app: TestApp, prefix: string, windowMs: number) {
    const store = new DatabaseRateLimitStore(app.ctx.store.db, prefix);
    store.init({ windowMs });
    return store;
  }

  it('counts concurrent hits without losing one, from two app instances on one database', async () => {
    const second = await startSecondApp(t, limits);
    try {
      const stores = [await storeOf(t, 'count:', 60_000), await storeOf(second, 'count:', 60_000)];
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => stores[i % 2].increment('k')));
      expect(results.map((r) => r.totalHits).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      await stores[1].decrement('k');
      expect((await stores[0].get('k'))?.totalHits).toBe(39);
      expect(await (await storeOf(t, 'other:', 60_000)).get('k')).toBeUndefined();
    } finally {
      await second.close();
    }
  });

  it('starts an ended window again at one hit', async () => {
    const store = await storeOf(t, 'window:', 60_000);
    await store.increment('k');
    await store.increment('k');
    await t.ctx.store.db.execute(sql`update rate_limits set reset_at = now() - interval '1 second' where key = 'window:k'`);
    expect(await store.get('k')).toBeUndefined();
    const restarted = await store.increment('k');
    expect(restarted.totalHits).toBe(1);
    expect(restarted.resetTime!.getTime()).toBeGreaterThan(Date.now() + 50_000);
    await store.resetKey('k');
    expect(await store.get('k')).toBeUndefined();
  });
});

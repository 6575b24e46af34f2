import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ LOGIN_RATE_LIMIT: '5' });
});
afterAll(() => t.close());

describe('health', () => {
  it('names the store in use', async () => {
    const { body } = await request(t.url).get('/api/health').expect(200);
    expect(body).toMatchObject({ ok: true, store: process.env.DATABASE_URL ? 'postgres' : 'pglite' });
  });
});

describe('login', () => {
  it('signs in with the right password and keeps the session across requests', async () => {
    const { agent } = await t.signIn(t.admin);
    const { body } = await agent.get('/api/session').expect(200);
    expect(body.user).toMatchObject({ email: t.admin.email, role: 'admin' });
    expect(body.user.passwordHash).toBeUndefined();
    expect(body.abilities['users.manage']).toBe(true);
    await agent.get('/api/users').expect(200);
  });

  it('refuses a wrong password and an unknown email with 401 JSON', async () => {
    const agent = request.agent(t.url);
    const { body } = await agent.get('/api/session');
    const wrong = await agent
      .post('/api/auth/login')
      .set('X-CSRF-Token', body.csrfToken)
      .send({ email: t.admin.email, password: 'nope' })
      .expect(401);
    expect(wrong.body.error).toMatchObject({ id: 'unauthenticated', message: 'Wrong email or password' });
    await agent.post('/api/auth/login').set('X-CSRF-Token', body.csrfToken).send({ email: 'ghost@test.local', password: 'x' }).expect(401);
  });

  it('answers 400 naming the field for malformed login input', async () => {
    const agent = request.agent(t.url);
    const { body } = await agent.get('/api/session');
    const res = await agent.post('/api/auth/login').set('X-CSRF-Token', body.csrfToken).send({ email: 'not-an-email' }).expect(400);
    expect(res.body.error.message).toMatch(/email/);
    expect(res.body.error.message).toMatch(/password/);
  });

  it('refuses a disabled account', async () => {
    const user = await t.buildUser('annotator');
    const { agent, csrf } = await t.signIn(t.admin);
    await agent.patch(`/api/users/${user.id}`).set('X-CSRF-Token', csrf).send({ disabled: true }).expect(200);
    const anon = request.agent(t.url);
    const { body } = await anon.get('/api/session');
    const res = await anon
      .post('/api/auth/login')
      .set('X-CSRF-Token', body.csrfToken)
      .send({ email: user.email, password: TEST_PASSWORD })
      .expect(401);
    expect(res.body.error.message).toMatch(/disabled/);
  });

  it('ends the session on logout', async () => {
    const { agent, csrf } = await t.signIn(t.admin);
    await agent.post('/api/auth/logout').set('X-CSRF-Token', csrf).expect(200);
    await agent.get('/api/users').expect(401);
    const { body } = await agent.get('/api/session').expect(200);
    expect(body.user).toBeNull();
  });

  it('rate-limits repeated login attempts with 429', async () => {
    const agent = request.agent(t.url);
    const { body } = await agent.get('/api/session');
    const email = 'victim@test.local';
    for (let i = 0; i < 5; i++) {
      await agent.post('/api/auth/login').set('X-CSRF-Token', body.csrfToken).send({ email, password: 'guess' }).expect(401);
    }
    const res = await agent.post('/api/auth/login').set('X-CSRF-Token', body.csrfToken).send({ email, password: 'guess' }).expect(429);
    expect(res.body.error.id).toBe('rate_limited');
    expect(res.headers['retry-after']).toBeDefined();
  });
});

describe('CSRF', () => {
  it('refuses a cookie-authenticated write without the token, or with a wrong one', async () => {
    const { agent } = await t.signIn(t.admin);
    const missing = await agent.post('/api/projects').send({ name: 'csrf', taskType: 'quality-rating' }).expect(403);
    expect(missing.body.error.message).toMatch(/CSRF/);
    await agent.post('/api/projects').set('X-CSRF-Token', 'forged').send({ name: 'csrf', taskType: 'quality-rating' }).expect(403);
  });

  it('refuses a login without the token', async () => {
    await request(t.url).post('/api/auth/login').send({ email: t.admin.email, password: TEST_PASSWORD }).expect(403);
  });
});

describe('API tokens', () => {
  it('authenticates by bearer token without CSRF, and stops after revocation', async () => {
    const { agent, csrf } = await t.signIn(t.admin);
    const created = await agent.post('/api/tokens').set('X-CSRF-Token', csrf).send({ name: 'script' }).expect(201);
    const secret: string = created.body.secret;
    expect(secret).toMatch(/^cur_/);
    const listed = await agent.get('/api/tokens').expect(200);
    expect(JSON.stringify(listed.body)).not.toContain(secret);

    await request(t.url).get('/api/users').set('Authorization', `Bearer ${secret}`).expect(200);
    await request(t.url)
      .post('/api/projects')
      .set('Authorization', `Bearer ${secret}`)
      .send({ name: 'via token', taskType: 'quality-rating' })
      .expect(201);
    const used = await agent.get('/api/tokens').expect(200);
    expect(used.body.tokens.find((tk: { id: number }) => tk.id === created.body.token.id).lastUsedAt).not.toBeNull();

    await agent.delete(`/api/tokens/${created.body.token.id}`).set('X-CSRF-Token', csrf).expect(200);
    const refused = await request(t.url).get('/api/users').set('Authorization', `Bearer ${secret}`).expect(401);
    expect(refused.body.error.message).toMatch(/revoked/);
  });

  it('refuses an unknown token', async () => {
    await request(t.url).get('/api/projects').set('Authorization', 'Bearer cur_nope').expect(401);
  });

  it("cannot revoke another user's token", async () => {
    const other = await t.buildUser('annotator');
    const mine = await t.signIn(other);
    const created = await mine.agent.post('/api/tokens').set('X-CSRF-Token', mine.csrf).send({ name: 'x' }).expect(201);
    const { agent, csrf } = await t.signIn(t.admin);
    await agent.delete(`/api/tokens/${created.body.token.id}`).set('X-CSRF-Token', csrf).expect(404);
  });
});

describe('user administration', () => {
  it('creates users, changes roles, and keeps the last admin', async () => {
    const { agent, csrf } = await t.signIn(t.admin);
    const created = await agent
      .post('/api/users')
      .set('X-CSRF-Token', csrf)
      .send({ email: 'New.Person@Test.local', name: 'New', password: 'longenough', role: 'annotator' })
      .expect(201);
    expect(created.body.user.email).toBe('new.person@test.local');
    await agent
      .post('/api/users')
      .set('X-CSRF-Token', csrf)
      .send({ email: 'new.person@test.local', name: 'Dup', password: 'longenough' })
      .expect(409);
    const promoted = await agent.patch(`/api/users/${created.body.user.id}`).set('X-CSRF-Token', csrf).send({ role: 'reviewer' }).expect(200);
    expect(promoted.body.user.role).toBe('reviewer');
    await agent.patch(`/api/users/999999`).set('X-CSRF-Token', csrf).send({ role: 'reviewer' }).expect(404);
  });

  it('refuses to demote the last enabled admin', async () => {
    const isolated = await startTestApp();
    try {
      const { agent, csrf } = await isolated.signIn(isolated.admin);
      const res = await agent.patch(`/api/users/${isolated.admin.id}`).set('X-CSRF-Token', csrf).send({ role: 'annotator' }).expect(409);
      expect(res.body.error.message).toMatch(/last enabled admin/);
    } finally {
      await isolated.close();
    }
  });

  it('signs a disabled user out of existing sessions', async () => {
    const user = await t.buildUser('reviewer');
    const session = await t.signIn(user);
    await session.agent.get('/api/projects').expect(200);
    const { agent, csrf } = await t.signIn(t.admin);
    await agent.patch(`/api/users/${user.id}`).set('X-CSRF-Token', csrf).send({ disabled: true }).expect(200);
    await session.agent.get('/api/projects').expect(401);
  });
});

describe('security headers', () => {
  it('sends a strict CSP and refuses framing', async () => {
    const res = await request(t.url).get('/api/health');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it("allows framing by MTurk's worker sites on the MTurk labeling route only", async () => {
    const mturk = await request(t.url).get('/mturk?assignmentId=ASSIGNMENT_ID_NOT_AVAILABLE&hitId=X');
    const csp = mturk.headers['content-security-policy'];
    expect(csp).toMatch(/frame-ancestors https:\/\/worker\.mturk\.com https:\/\/workersandbox\.mturk\.com/);
    expect(csp).toMatch(/form-action 'self' https:\/\/worker\.mturk\.com/);
    expect(csp).toContain("script-src 'self'");
    expect(mturk.headers['x-frame-options']).toBeUndefined();
    const other = await request(t.url).get('/projects');
    expect(other.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(other.headers['x-frame-options']).toBe('DENY');
  });

  it('answers unknown API routes and malformed JSON with JSON errors', async () => {
    const missing = await request(t.url).get('/api/nope').expect(404);
    expect(missing.body.error.id).toBe('not_found');
    const { agent, csrf } = await t.signIn(t.admin);
    const bad = await agent.post('/api/projects').set('X-CSRF-Token', csrf).set('Content-Type', 'application/json').send('{"name":').expect(400);
    expect(bad.body.error).toBeDefined();
  });
});

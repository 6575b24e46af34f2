import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import request from 'supertest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { buildTokenClient } from '../support/factories.ts';

let t: TestApp;
let admin: Awaited<ReturnType<typeof buildTokenClient>>;
let projectId: number;
beforeAll(async () => {
  t = await startTestApp();
  admin = await buildTokenClient(t, 'admin');
  projectId = (await t.buildProject()).id;
});
afterAll(() => t.close());

/** Everything the server logged while a test ran, one string per call. */
let logged: string[] = [];
const capture = (...args: unknown[]) => void logged.push(args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : String(a))).join(' '));
beforeAll(() => {
  for (const level of ['error', 'warn', 'log'] as const) vi.spyOn(console, level).mockImplementation(capture);
});
afterEach(() => {
  logged = [];
});
afterAll(() => vi.restoreAllMocks());

/** A JSON body sent as written: JSON.stringify would escape a lone surrogate the same way, but this says so. */
const rawJson = (method: 'post' | 'put' | 'patch', path: string, body: string) =>
  request(t.url)[method](path).set('Authorization', admin.authorization).set('Content-Type', 'application/json').send(body);

const expectRefused = (res: request.Response, field: string) => {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body.error).toMatchObject({ id: 'bad_request', message: expect.stringContaining(field) });
  // A client's mistake is not the operator's news, and the probe's bytes stay out of the log either way.
  expect(logged.join('\n')).not.toMatch(/\u0000|%00|\\u0000|\\ud800|\\udc00/);
};

describe('text no database can store (NUL bytes, lone surrogates)', () => {
  it('in a query string answers 400 naming the parameter, before any query runs', async () => {
    expectRefused(await admin.get(`/api/projects/${projectId}/documents?search=%00`), 'search');
    expectRefused(await request(t.url).get('/api/mturk/hit?hitId=%00&assignmentId=a'), 'hitId');
    expectRefused(await admin.get(`/api/projects?x%00y=1`), 'x\\u0000y');
  });

  it('in a JSON body answers 400 naming the field, nested ones by their path', async () => {
    const submission = { hitId: 'HIT', assignmentId: 'A1', workerId: 'W\u0000', judgments: [{ itemId: 1, value: { score: 3 } }] };
    expectRefused(await request(t.url).post('/api/mturk/submissions').send(submission), 'workerId');
    const nested = { ...submission, workerId: 'W1', judgments: [{ itemId: 1, value: { score: 3, note: ['fine', 'bad\u0000'] } }] };
    expectRefused(await request(t.url).post('/api/mturk/submissions').send(nested), 'judgments.0.value.note.1');

    expectRefused(await rawJson('post', '/api/projects', '{"name":"lone \\ud800 high","taskType":"quality-rating"}'), 'name');
    expectRefused(await rawJson('post', '/api/projects', '{"name":"p","description":"lone \\udc00 low","taskType":"quality-rating"}'), 'description');
    expectRefused(await rawJson('patch', `/api/projects/${projectId}`, '{"name":"nul \\u0000 in a name"}'), 'name');
    expectRefused(await admin.post('/api/users', { email: 'x@test.local', name: 'a\u0000', password: 'password123', role: 'annotator' }), 'name');
    expectRefused(await admin.post(`/api/projects/${projectId}/judgments`, { clientId: 'c\u0000', slotId: 1, value: { score: 3 } }), 'clientId');
  });

  it('in a key of a JSON object answers 400 too', async () => {
    const gold = '{"answers":[{"externalId":"d1","answer":{"bad\\u0000key":1}}]}';
    expectRefused(await rawJson('put', `/api/projects/${projectId}/gold`, gold), 'answers.0.answer.bad\\u0000key');
  });

  it('nested deeper than a call stack goes, answers 400 with a readable path', async () => {
    const depth = 100_000;
    const res = await rawJson('post', '/api/projects', `{"name":${'['.repeat(depth)}"\\u0000"${']'.repeat(depth)}}`);
    expectRefused(res, 'name.0.0.0.0.0.…');
    expect(res.body.error.message.length).toBeLessThan(300);
  });

  it('in a path segment answers 400 naming the path', async () => {
    expectRefused(await admin.post('/api/crowd/workers/W%00/block', { reason: 'x' }), 'path');
    expectRefused(await admin.post('/api/crowd/assignments/%00/decide', { approve: true }), 'path');
  });

  it('well-formed text, a surrogate pair and all, passes on to the route', async () => {
    const res = await admin.post('/api/projects', { name: `emoji 😀 ${Date.now()}`, taskType: 'quality-rating' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect((await admin.get(`/api/projects/${projectId}/documents?search=😀`)).status).toBe(200);
  });
});

describe('database errors down the cause chain', () => {
  it('a unique violation the route did not foresee answers 409, not 500, and is not logged', async () => {
    // A rule the route's own check does not know: the database alone enforces it, as in a race of two requests.
    await t.ctx.store.db.execute(sql`create unique index projects_description_probe on projects (description) where description like 'probe %'`);
    try {
      const first = await admin.post('/api/projects', { name: 'one', description: 'probe same', taskType: 'quality-rating' });
      expect(first.status, JSON.stringify(first.body)).toBe(201);
      const second = await admin.post('/api/projects', { name: 'two', description: 'probe same', taskType: 'quality-rating' });
      expect(second.status, JSON.stringify(second.body)).toBe(409);
      expect(second.body.error).toMatchObject({ id: 'conflict', message: expect.stringMatching(/already exists/i) });
      expect(second.body.error.message).not.toMatch(/insert|probe/);
      expect(logged).toEqual([]);
    } finally {
      await t.ctx.store.db.execute(sql`drop index projects_description_probe`);
    }
  });

  it('a 500 is logged with the statement and the path, never the parameter values or the query string', async () => {
    // A schema the code does not expect stands for a bug: the statement fails with undefined_column.
    await t.ctx.store.db.execute(sql`alter table documents rename column text to text_renamed`);
    try {
      const res = await admin.get(`/api/projects/${projectId}/documents?search=secret-probe-value`);
      expect(res.status).toBe(500);
      expect(res.body.error).toEqual({ id: 'internal', message: 'Internal error' });
    } finally {
      await t.ctx.store.db.execute(sql`alter table documents rename column text_renamed to text`);
    }
    const log = logged.join('\n');
    expect(log).toMatch(/\[GET \/api\/projects\/\d+\/documents\] 500 internal/);
    expect(log).toMatch(/failed query: select/);
    expect(log).toMatch(/42703/);
    expect(log).not.toMatch(/secret-probe-value/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { startTestApp, type SignedInAgent, type TestApp } from '../support/test-app.ts';

/** Every route only admins may use: each must refuse annotators (403) and anonymous callers (401). */
const adminRoutes: { method: 'get' | 'post' | 'patch' | 'delete'; path: (projectId: number, userId: number) => string; body?: object }[] = [
  { method: 'get', path: () => '/api/users' },
  { method: 'post', path: () => '/api/users', body: { email: 'x@test.local', name: 'x', password: 'longenough' } },
  { method: 'patch', path: (_p, u) => `/api/users/${u}`, body: { role: 'admin' } },
  { method: 'post', path: () => '/api/projects', body: { name: 'x', taskType: 'quality-rating' } },
  { method: 'patch', path: (p) => `/api/projects/${p}`, body: { description: 'x' } },
  { method: 'post', path: (p) => `/api/projects/${p}/imports?filename=a.jsonl` },
  { method: 'get', path: (p) => `/api/projects/${p}/imports` },
];

let t: TestApp;
let annotator: SignedInAgent;
let reviewer: SignedInAgent;
let projectId: number;
let annotatorId: number;
beforeAll(async () => {
  t = await startTestApp();
  const a = await t.buildUser('annotator');
  annotatorId = a.id;
  annotator = await t.signIn(a);
  reviewer = await t.signIn(await t.buildUser('reviewer'));
  projectId = (await t.buildProject()).id;
});
afterAll(() => t.close());

describe('role matrix', () => {
  for (const route of adminRoutes) {
    const label = `${route.method.toUpperCase()} ${route.path(1, 1)}`;
    it(`${label}: 401 anonymous, 403 annotator, 403 reviewer`, async () => {
      const path = route.path(projectId, annotatorId);
      const anon = await request(t.url)[route.method](path).send(route.body ?? {});
      expect(anon.status).toBe(401);
      expect(anon.body.error.id).toBe('unauthenticated');
      for (const who of [annotator, reviewer]) {
        const res = await who.agent[route.method](path).set('X-CSRF-Token', who.csrf).send(route.body ?? {});
        expect(res.status).toBe(403);
        expect(res.body.error.id).toBe('forbidden');
      }
    });
  }

  it('lets reviewers read documents but not annotators', async () => {
    await reviewer.agent.get(`/api/projects/${projectId}/documents`).expect(200);
    await annotator.agent.get(`/api/projects/${projectId}/documents`).expect(403);
    await request(t.url).get(`/api/projects/${projectId}/documents`).expect(401);
  });

  it('tells each role its abilities', async () => {
    const { body } = await annotator.agent.get('/api/session').expect(200);
    expect(body.abilities).toMatchObject({ annotate: true, 'users.manage': false, 'projects.manage': false });
  });
});

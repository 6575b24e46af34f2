import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { sql } from 'drizzle-orm';
import { startTestApp } from '../support/test-app.ts';
import { buildBatch, buildDocuments, joinProject } from '../support/factories.ts';
import { createApiToken } from '../../server/commands/api-tokens.ts';
import { abilities, type Ability } from '../../server/auth/policies.ts';
import { projectScopes } from '../../server/auth/project-scope.ts';
import { rowsOf } from '../../server/db/store.ts';
import type { Role } from '../../server/db/schema.ts';

/**
 * Every API route, read from the router table, for every kind of caller: each route's outcome follows from the
 * ability it declares and whether it addresses one project. A route without a declared rule fails here, and so does
 * one that forgets the project check (a non-member would get through).
 */

// Express keeps no public route listing; these are the parts of its router's layers the walk reads.
interface Layer {
  rawPath?: unknown;
  handle: { stack?: Layer[]; ability?: Ability | 'public' };
  route?: { path: unknown; methods: Record<string, boolean>; stack: Layer[] };
}
interface RouteRule {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  /** The ability its endpoint declares; undefined for a handler not built with `endpoint()`. */
  ability: Ability | 'public' | undefined;
}

/** Every route of the app with its full path and declared ability. */
function routeTable(stack: Layer[], prefix = ''): RouteRule[] {
  return stack.flatMap((layer): RouteRule[] => {
    if (layer.route) {
      const ability = layer.route.stack.map((l) => l.handle.ability).find((a) => a !== undefined);
      return Object.keys(layer.route.methods).map((method) => ({
        method: method as RouteRule['method'],
        path: `${prefix}${String(layer.route!.path)}`,
        ability,
      }));
    }
    if (!layer.handle.stack) return [];
    const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
    return routeTable(layer.handle.stack, prefix + mount);
  });
}

/**
 * Who holds each ability by global role, written out here rather than read from the policy module, so a change of
 * the rules shows up as a failure to look at.
 */
const holders: Record<Ability, Role[]> = {
  'users.manage': ['admin'],
  'projects.manage': ['admin'],
  'projects.read': ['admin', 'reviewer', 'annotator'],
  'documents.read': ['admin', 'reviewer'],
  'imports.create': ['admin'],
  'batches.manage': ['admin'],
  'data.remove': ['admin'],
  annotate: ['admin', 'reviewer', 'annotator'],
  review: ['admin', 'reviewer'],
  'quality.read': ['admin', 'reviewer'],
  export: ['admin'],
  'crowd.manage': ['admin'],
  'tokens.own': ['admin', 'reviewer', 'annotator'],
};

type CallerName = 'anonymous' | 'outsider' | 'outsiderReviewer' | 'annotator' | 'reviewer' | 'admin';
/** Callers in the order they call each route: the admin last, since what it may do may change things. */
const callerNames: CallerName[] = ['anonymous', 'outsider', 'outsiderReviewer', 'annotator', 'reviewer', 'admin'];
const globalRole: Record<Exclude<CallerName, 'anonymous'>, Role> = {
  outsider: 'annotator',
  outsiderReviewer: 'reviewer',
  annotator: 'annotator',
  reviewer: 'reviewer',
  admin: 'admin',
};
/**
 * Each caller's role in the two fixture projects (null: the project is hidden from them). The closed project has
 * the annotator as annotator member and the reviewer as reviewer member; the open one has no members, so everyone
 * signed in labels it and nobody but the admin reviews it.
 */
const roleIn: Record<'closed' | 'open', Record<Exclude<CallerName, 'anonymous'>, Role | null>> = {
  closed: { outsider: null, outsiderReviewer: null, annotator: 'annotator', reviewer: 'reviewer', admin: 'admin' },
  open: { outsider: 'annotator', outsiderReviewer: 'annotator', annotator: 'annotator', reviewer: 'annotator', admin: 'admin' },
};

type Expected = { status: 401 | 403 | 404; id: string } | { allowed: true; scoped: boolean };

function expectedOutcome(
  rule: RouteRule & { ability: Ability | 'public' },
  caller: CallerName,
  project: 'closed' | 'open',
  scoped: boolean,
): Expected {
  if (rule.ability === 'public') return { allowed: true, scoped: false };
  if (caller === 'anonymous') return { status: 401, id: 'unauthenticated' };
  const role = scoped ? roleIn[project][caller] : globalRole[caller];
  if (role === null) return { status: 404, id: 'not_found' };
  return holders[rule.ability].includes(role) ? { allowed: true, scoped } : { status: 403, id: 'forbidden' };
}

const t = await startTestApp({ MTURK_ENDPOINT: 'http://127.0.0.1:9', PUBLIC_URL: 'http://127.0.0.1:9', LOGIN_RATE_LIMIT: '1000' });
const routes = routeTable((t.built.app as unknown as { router: { stack: Layer[] } }).router.stack).filter((r) => r.path.startsWith('/api/'));
const scopeParams = Object.keys(projectScopes);
/** What a project-scoped route answers when the thing is hidden from the caller (or missing). */
const hiddenMessages = Object.values(projectScopes).map((s) => `${s.noun} not found`);

type Fixture = Record<'projectId' | 'batchId' | 'itemId' | 'slotId' | 'documentId' | 'userId' | 'id', number>;
const fixtures = {} as Record<'closed' | 'open', Fixture>;
const callers = {} as Record<CallerName, (method: RouteRule['method'], path: string) => request.Test>;

async function buildFixture(openToAll: boolean, spareEmail: string, spareId: number): Promise<Fixture> {
  const project = await t.buildProject({ openToAll });
  await buildDocuments(t, project.id, [
    { id: 'a', text: `one ${openToAll}` },
    { id: 'b', text: `two ${openToAll}` },
  ]);
  const { batch } = await buildBatch(t, project.id, { redundancy: 1 });
  const [slot] = await rowsOf<{ slot_id: number; item_id: number; document_id: number }>(
    t.ctx.store.db,
    sql`select s.id as slot_id, s.item_id, i.document_id from slots s join items i on i.id = s.item_id where s.batch_id = ${batch.id} order by s.id limit 1`,
  );
  await joinProject(t, project.id, { email: spareEmail }, 'annotator');
  return {
    projectId: project.id,
    batchId: batch.id,
    itemId: Number(slot.item_id),
    slotId: Number(slot.slot_id),
    documentId: Number(slot.document_id),
    userId: spareId,
    id: spareId,
  };
}

beforeAll(async () => {
  const people = {} as Record<Exclude<CallerName, 'anonymous'>, { id: number; email: string }>;
  for (const name of callerNames) {
    if (name === 'anonymous') continue;
    const user = name === 'admin' ? t.admin : await t.buildUser(globalRole[name]);
    people[name] = user;
    const { secret } = await createApiToken(t.ctx, { userId: user.id, name: 'matrix' });
    callers[name] = await browserWith({ Authorization: `Bearer ${secret}` });
  }
  callers.anonymous = await browserWith({});

  // A spare member is the one whose membership and account the admin's requests change, not a caller's.
  const spare = await t.buildUser('annotator');
  fixtures.closed = await buildFixture(false, spare.email, spare.id);
  fixtures.open = await buildFixture(true, spare.email, spare.id);
  await joinProject(t, fixtures.closed.projectId, people.annotator, 'annotator');
  await joinProject(t, fixtures.closed.projectId, people.reviewer, 'reviewer');
});
afterAll(() => t.close());

/**
 * A caller holding the CSRF token of its cookie as a browser would (so the login route's CSRF check passes and only
 * authorization can stop it), with the given credentials (an API token; none for anonymous).
 */
async function browserWith(headers: Record<string, string>) {
  const agent = request.agent(t.url);
  const { body } = await agent.get('/api/session').set(headers).expect(200);
  return (method: RouteRule['method'], path: string) => agent[method](path).set(headers).set('X-CSRF-Token', body.csrfToken);
}

/** The path with every parameter filled from a fixture; an unknown parameter must be added here. */
function fill(path: string, fixture: Fixture) {
  return path.replace(/:(\w+)/g, (_, name: string) => {
    if (name in fixture) return String(fixture[name as keyof Fixture]);
    if (name === 'assignmentId' || name === 'runId' || name === 'judgeId') return '999999';
    if (name === 'workerId') return 'WORKER';
    throw new Error(`role matrix: no fixture value for :${name} in ${path}`);
  });
}

describe('role matrix', () => {
  it('reads every route from the router table, and every route declares its rule', () => {
    expect(routes.length).toBeGreaterThanOrEqual(45);
    expect(routes.filter((r) => r.ability === undefined).map((r) => `${r.method.toUpperCase()} ${r.path}`)).toEqual([]);
    expect(Object.keys(holders).sort()).toEqual([...abilities].sort());
  });

  for (const rule of routes) {
    const scoped = rule.path.split('/').some((part) => scopeParams.includes(part.slice(1)) && part.startsWith(':'));
    const projects = scoped ? (['closed', 'open'] as const) : (['closed'] as const);
    it(`${rule.method.toUpperCase()} ${rule.path} (${rule.ability ?? 'no rule'}${scoped ? ', project-scoped' : ''})`, async () => {
      if (rule.ability === undefined) throw new Error('no declared rule');
      const mismatches: string[] = [];
      for (const project of projects) {
        const path = fill(rule.path, fixtures[project]);
        for (const caller of callerNames) {
          const expected = expectedOutcome({ ...rule, ability: rule.ability }, caller, project, scoped);
          const call = callers[caller](rule.method, path);
          const res = rule.method === 'get' ? await call : await call.send({});
          const got = `${res.status} ${res.body?.error?.id ?? ''}`.trim();
          if ('status' in expected) {
            if (res.status !== expected.status || res.body?.error?.id !== expected.id)
              mismatches.push(`${caller} in ${project}: got ${got}, want ${expected.status} ${expected.id}`);
          } else if (
            // A signed delivery (Prolific's hooks) refused for its signature is the route's own check, not authorization.
            (res.status === 401 && res.body?.error?.id !== 'bad_signature') ||
            res.status === 403 ||
            res.status === 500 ||
            (expected.scoped && hiddenMessages.includes(res.body?.error?.message))
          ) {
            // A let-through request may still fail on its own terms (400 for an empty body, 404 for nothing to undo),
            // but never as unauthorized, as a project, batch, item or task hidden from the caller, or as a crash.
            mismatches.push(`${caller} in ${project}: got ${got} ${res.body?.error?.message ?? ''}, want it let through`);
          }
        }
      }
      expect(mismatches, mismatches.join('; ')).toEqual([]);
    });
  }

  it('tells each role its abilities', async () => {
    const { body } = await callers.annotator('get', '/api/session').expect(200);
    expect(body.abilities).toMatchObject({ annotate: true, 'users.manage': false, 'projects.manage': false });
  });
});

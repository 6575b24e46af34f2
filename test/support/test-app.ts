import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { loadConfig } from '../../server/config.ts';
import { buildApp, type BuiltApp } from '../../server/app.ts';
import { DomainEvents } from '../../server/events.ts';
import type { AppContext } from '../../server/context.ts';
import type { Role, User } from '../../server/db/schema.ts';
import { createUser } from '../../server/commands/manage-users.ts';
import { createProject } from '../../server/commands/manage-projects.ts';
import { openStore, type Store } from '../../server/db/store.ts';
import { openTestStore } from './test-store.ts';

let sequence = 0;

/** A running app on a fresh store, with factories and signed-in agents for tests. */
export interface TestApp {
  ctx: AppContext;
  built: BuiltApp;
  /** http://127.0.0.1:port of the listening server. */
  url: string;
  admin: User;
  close(): Promise<void>;
  /** Creates a user of a role; password is always `password123`. */
  buildUser(role?: Role, overrides?: Partial<{ email: string; name: string }>): Promise<User>;
  /**
   * Creates a project (quality-rating unless told otherwise), open to all annotators unless told otherwise, so tests
   * about other things need no memberships; membership tests pass `openToAll: false`.
   */
  buildProject(
    overrides?: Partial<{ name: string; taskType: string; config: Record<string, unknown>; openToAll: boolean }>,
  ): ReturnType<typeof createProject>;
  /** A supertest agent signed in as the user, with its CSRF token ready to send. */
  signIn(user: User): Promise<SignedInAgent>;
}

export interface SignedInAgent {
  agent: ReturnType<typeof request.agent>;
  csrf: string;
  /** Cookie header value, for Socket.IO clients. */
  cookie: string;
}

export const TEST_PASSWORD = 'password123';

/** Starts the app on a fresh store and creates an admin. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const store = await openTestStore();
  return startOn(store, env, () => store.close());
}

/**
 * A second app on the first one's database, as a second server process would be: its own pool on PostgreSQL; on
 * the one-connection embedded store, the same store object (one process per data dir). Close it before the first
 * app, whose close drops the database.
 */
export async function startSecondApp(first: TestApp, env: Record<string, string> = {}): Promise<TestApp> {
  const url = first.ctx.store.pool?.options.connectionString;
  if (!url) return startOn(first.ctx.store, env, async () => {});
  const store = await openStore({ databaseUrl: url, poolSize: 30 });
  return startOn(store, env, () => store.close());
}

async function startOn(store: Store, env: Record<string, string>, closeStore: () => Promise<void>): Promise<TestApp> {
  const config = loadConfig({ SESSION_SECRET: 'test-secret-test-secret', DATA_DIR: '/nonexistent', ...env });
  const ctx: AppContext = { config, store, events: new DomainEvents() };
  const built = await buildApp(ctx);
  await new Promise<void>((resolve) => built.server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(built.server.address() as AddressInfo).port}`;

  const buildUser: TestApp['buildUser'] = (role = 'annotator', overrides = {}) => {
    const n = ++sequence;
    return createUser(ctx, {
      actorId: null,
      email: overrides.email ?? `${role}${n}-${Date.now()}@test.local`,
      name: overrides.name ?? `${role} ${n}`,
      password: TEST_PASSWORD,
      role,
    });
  };
  const admin = await buildUser('admin');
  return {
    ctx,
    built,
    url,
    admin,
    buildUser,
    buildProject: (overrides = {}) =>
      createProject(ctx, {
        actorId: admin.id,
        name: overrides.name ?? `project ${++sequence}`,
        description: '',
        taskType: overrides.taskType ?? 'quality-rating',
        config: overrides.config ?? {},
        fieldMapping: {},
        trainingMode: false,
        openToAll: overrides.openToAll ?? true,
      }),
    signIn: async (user) => {
      const agent = request.agent(url);
      const { body } = await agent.get('/api/session').expect(200);
      const login = await agent
        .post('/api/auth/login')
        .set('X-CSRF-Token', body.csrfToken)
        .send({ email: user.email, password: TEST_PASSWORD })
        .expect(200);
      const cookie = (login.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]).join('; ');
      return { agent, csrf: login.body.csrfToken, cookie };
    },
    close: async () => {
      await built.close();
      await closeStore();
    },
  };
}

import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'curate-start-'));
const running: ChildProcess[] = [];

afterAll(async () => {
  for (const child of running) child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Starts server/main.ts on the embedded store as `npm start` does; resolves once it listens, or when it exits. */
function start(env: Record<string, string> = {}) {
  // The embedded store whatever the test run uses: no DATABASE_URL at all.
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'server/main.ts')], {
    cwd: root,
    env: { ...inherited, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', ...env },
  });
  running.push(child);
  let output = '';
  return new Promise<{ child: ChildProcess; output: string; url?: string; code?: number | null }>((resolve) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (url && /Admin login/.test(output)) resolve({ child, output, url });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => resolve({ child, output, code }));
  });
}

const stop = (child: ChildProcess) => new Promise<void>((resolve) => (child.once('exit', () => resolve()), child.kill('SIGTERM')));

describe('npm start on the embedded store', () => {
  it('creates the admin and a demo project on first run, refuses a second process, and keeps data across restarts', async () => {
    const first = await start();
    expect(first.url).toBeDefined();
    expect(first.output).toMatch(/store: embedded PGlite/);
    const password = /Admin login: admin@curate\.local \/ (\S+)\s+\(generated/.exec(first.output)?.[1];
    expect(password).toBeDefined();
    const health = await (await fetch(`${first.url}/api/health`)).json();
    expect(health).toMatchObject({ ok: true, store: 'pglite' });

    const second = await start();
    expect(second.code).toBe(1);
    expect(second.output).toMatch(/in use by another Curate process \(pid \d+\)/);

    await stop(first.child);
    const again = await start();
    expect(again.output).toMatch(/Admin login: admin@curate\.local \(password as set on first run\)/);
    const session = await fetch(`${again.url}/api/session`);
    const cookie = session.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const { csrfToken } = await session.json();
    const login = await fetch(`${again.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
      body: JSON.stringify({ email: 'admin@curate.local', password }),
    });
    expect(login.status).toBe(200);
    const cookie2 = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const projects = await (await fetch(`${again.url}/api/projects`, { headers: { cookie: cookie2 } })).json();
    expect(projects.projects).toEqual([
      expect.objectContaining({ name: 'Demo: web sample quality', counts: expect.objectContaining({ documents: 16, items: 16 }) }),
    ]);
    const demoId = projects.projects[0].id;
    const lease = await fetch(`${again.url}/api/projects/${demoId}/tasks/lease`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: cookie2, 'x-csrf-token': (await login.json()).csrfToken },
      body: JSON.stringify({ count: 1 }),
    });
    expect((await lease.json()).tasks).toHaveLength(1);
    await stop(again.child);
  });

  it('refuses bad configuration with a readable message', async () => {
    const bad = await start({ PORT: 'not-a-port', DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'curate-bad-')) });
    expect(bad.code).toBe(1);
    expect(bad.output).toMatch(/Invalid configuration:\s+PORT:/);
  });
});

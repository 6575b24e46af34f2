import { describe, expect, it } from 'vitest';
import http from 'node:http';
import { startTestApp } from '../support/test-app.ts';
import { buildTokenClient } from '../support/factories.ts';

describe('shutdown', () => {
  it('ends while a client holds an upload open and never finishes it: the request is cut off after the grace period', async () => {
    const t = await startTestApp({ SHUTDOWN_GRACE_MS: '200' });
    const admin = await buildTokenClient(t, 'admin');
    const project = await t.buildProject();
    const stalled = http.request(`${t.url}/api/projects/${project.id}/imports?filename=slow.jsonl`, {
      method: 'POST',
      headers: { Authorization: admin.authorization, 'Content-Type': 'application/octet-stream' },
    });
    const cut = new Promise<string>((resolve) => {
      stalled.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      stalled.on('response', (res) => resolve(`answered ${res.statusCode}`));
    });
    // One record, then silence: the body never ends.
    await new Promise<void>((resolve) => stalled.write('{"text":"the first of many"}\n', () => resolve()));
    await t.close();
    expect(await cut).toMatch(/ECONNRESET|socket hang up|answered/);
  });
});

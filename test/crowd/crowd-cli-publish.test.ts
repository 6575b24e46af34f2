import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startMturkEmulator, type MturkEmulator } from '../support/mturk-emulator/index.ts';
import { startProlificEmulator, type ProlificEmulator } from '../support/prolific-emulator/index.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { prolificAppEnv } from '../support/prolific-app-env.ts';
import { buildBatch, buildDocuments } from '../support/factories.ts';
import { runCli } from '../support/run-cli.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

async function crowdBatch(t: TestApp) {
  const project = await t.buildProject();
  await buildDocuments(
    t,
    project.id,
    Array.from({ length: 4 }, (_, i) => ({ id: `d${i}`, text: `cli crowd document ${i} ${randomUUID()}` })),
  );
  const { batch } = await buildBatch(t, project.id, { redundancy: 1, goldRate: 0, channel: 'crowd' }, false);
  return String(batch.id);
}

const publishArgs = ['--reward', '0.50', '--budget', '20.00', '--title', 'Rate web text', '--description', 'Rate each document'];

describe('crowd publish from the CLI on MTurk', () => {
  let emulator: MturkEmulator;
  let t: TestApp;
  beforeAll(async () => {
    emulator = await startMturkEmulator({ balance: '50.00' });
    t = await startTestApp({ MTURK_ENDPOINT: emulator.url, PUBLIC_URL: 'http://127.0.0.1:9' });
  });
  afterAll(async () => {
    await t.close();
    await emulator.close();
  });

  it('shows the balance, sends the qualifications and publishes the HITs', async () => {
    const batch = await crowdBatch(t);
    const out = await runCli(t, ['mturk', 'publish', '--batch', batch, '--items-per-hit', '2', '--locales', 'us', ...publishArgs]);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^balance before: \$50\.00; published 2 HITs \(\$[\d.]+\), 0 already published/);
    const locales = [...emulator.state.hits.values()].flatMap((hit) => hit.type.requirements.flatMap((r) => r.LocaleValues ?? []));
    expect(locales.map((l) => l.Country)).toContain('US');
  });
});

describe('crowd publish from the CLI on Prolific', () => {
  let emulator: ProlificEmulator;
  let t: TestApp;
  beforeAll(async () => {
    emulator = await startProlificEmulator();
    t = await startTestApp(prolificAppEnv(emulator));
  });
  afterAll(async () => {
    await t.close();
    await emulator.close();
  });

  it('publishes the studies with the minutes and no MTurk-only options', async () => {
    const batch = await crowdBatch(t);
    const out = await runCli(t, ['crowd', 'publish', '--batch', batch, '--items-per-hit', '2', '--minutes', '3', ...publishArgs]);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^published 2 studies \(\$[\d.]+\), 0 already published/);
  });
});

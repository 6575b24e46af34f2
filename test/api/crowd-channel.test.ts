import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMturkEmulator, type MturkEmulator } from '../support/mturk-emulator/index.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

// No AWS credentials anywhere this test file's process looks (each file runs in a process of its own), and no
// instance-metadata lookup to wait for: the state of a fresh install pointed at real MTurk.
for (const name of [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
])
  delete process.env[name];
process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/aws-credentials';
process.env.AWS_CONFIG_FILE = '/nonexistent/aws-config';
process.env.AWS_EC2_METADATA_DISABLED = 'true';

let unconfigured: TestApp;
let local: TestApp;
let emulator: MturkEmulator;

beforeAll(async () => {
  emulator = await startMturkEmulator({ balance: '12.00' });
  unconfigured = await startTestApp({ MTURK_ENDPOINT: 'https://mturk-requester-sandbox.us-east-1.amazonaws.com' });
  local = await startTestApp({ MTURK_ENDPOINT: emulator.url });
});
afterAll(async () => {
  await Promise.all([unconfigured?.close(), local?.close()]);
  await emulator?.close();
});

describe('crowd channel readiness', () => {
  it('says the channel is not configured, and what to set, when there are no AWS credentials', async () => {
    const admin = await unconfigured.signIn(unconfigured.admin);
    const { body } = await admin.agent.get('/api/crowd/channel').expect(200);
    expect(body).toMatchObject({ channel: 'mturk', configured: false, endpoint: 'https://mturk-requester-sandbox.us-east-1.amazonaws.com' });
    expect(body.problem).toMatch(/AWS_ACCESS_KEY_ID/);
  });

  it('says a local emulator is configured', async () => {
    const admin = await local.signIn(local.admin);
    const { body } = await admin.agent.get('/api/crowd/channel').expect(200);
    expect(body).toEqual({
      channel: 'mturk',
      endpoint: emulator.url,
      configured: true,
      vocabulary: expect.objectContaining({ unit: 'HIT', place: 'assignment' }),
    });
    expect((await admin.agent.get('/api/crowd/balance').expect(200)).body.balance).toBe('12.00');
  });

  it('is for admins only', async () => {
    const reviewer = await unconfigured.signIn(await unconfigured.buildUser('reviewer'));
    await reviewer.agent.get('/api/crowd/channel').expect(403);
  });
});

import { afterAll, beforeAll } from 'vitest';
import type { Browser } from 'playwright-core';
import type { TestApp } from '../../support/test-app.ts';
import { launchBrowser } from './browser.ts';
import { startServerWithClient } from './server.ts';

/**
 * Registers hooks that start the server (serving a built client) and Chromium before a file's tests and stop both
 * after. The returned holder is filled once the hooks have run, so read it inside tests, not at collection time.
 */
export function useServerAndBrowser(env: Record<string, string> = {}) {
  const session = {} as { app: TestApp; browser: Browser };
  beforeAll(async () => {
    session.app = await startServerWithClient(env);
    session.browser = await launchBrowser();
  });
  afterAll(async () => {
    await session.browser?.close();
    await session.app?.close();
  });
  return session;
}

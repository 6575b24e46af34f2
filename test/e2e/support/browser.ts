import { chromium, type Browser, type Page } from 'playwright-core';
import { TEST_PASSWORD } from '../../support/test-app.ts';

/** Launches the system Chromium headless; browsers are never downloaded. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Records what a page reports that should never happen: uncaught errors, CSP violations and console errors
 * (a CSP block shows up as a console error, so one list catches both). `expected` lists console texts the test provokes.
 */
export function watchProblems(page: Page, expected: RegExp[] = []): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    const text = message.text();
    if (expected.some((pattern) => pattern.test(text))) return;
    if (message.type() === 'error' || /Content Security Policy/i.test(text)) problems.push(`console: ${text}`);
  });
  return problems;
}

/** Opens `url` (any page: the app shows its login first) and signs in with the test password. */
export async function signInAt(page: Page, url: string, email: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(TEST_PASSWORD);
  await page.getByTestId('login-password').press('Enter');
}

import { chromium, type Browser, type Page } from 'playwright-core';
import { TEST_PASSWORD } from '../../support/test-app.ts';

/**
 * Runs in every document before its own scripts. A CSP violation that the page's code catches (a `new Function`
 * probe in try/catch) leaves no console message of its own, so each one is said as a console error for
 * watchProblems to record.
 */
function reportCspViolations(): void {
  document.addEventListener('securitypolicyviolation', (event) => {
    console.error(
      `Content Security Policy violation: ${event.violatedDirective} blocked ${event.blockedURI || '(inline)'} at ${event.sourceFile}:${event.lineNumber}`,
    );
  });
}

/**
 * Launches the system Chromium headless; browsers are never downloaded. Every context it makes (browser.newPage
 * makes one too) reports CSP violations from its first document on, before any test code can navigate.
 */
export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    await context.addInitScript(reportCspViolations);
    return context;
  };
  return browser;
}

/**
 * Records what a page reports that should never happen: uncaught errors, CSP violations and console errors
 * (a CSP violation shows up as a console error, so one list catches both; every test asserts the list empty). `expected` lists console texts the test provokes.
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

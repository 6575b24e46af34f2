import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, watchProblems } from './support/browser.ts';
import { startServerWithClient } from './support/server.ts';
import { TEST_PASSWORD, type TestApp } from '../support/test-app.ts';

const HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>';

/** 60 documents: more than one page of 50, one of them hostile, one findable by a unique word. */
function corpus(): Buffer {
  const lines = Array.from({ length: 60 }, (_, i) => {
    const text =
      i === 7
        ? `Crawled page ${HOSTILE}`
        : i === 42
          ? `A page about the zebrafish genome, number ${i}.`
          : `Ordinary web document number ${i} with some prose.`;
    return JSON.stringify({ id: `doc-${String(i).padStart(2, '0')}`, text, source: i % 2 ? 'web' : 'books' });
  });
  return Buffer.from(`${lines.join('\n')}\n`);
}

const BAD_FILE = Buffer.from(['{"id":"a","text":"fine"}', '{"id":"b", broken json', '{"id":"c","body":"no text field"}', ''].join('\n'));

describe('admin shell', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    app = await startServerWithClient();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // the wrong password (401), the refused settings (400) and the refused import (422) are expected failed requests
    problems = watchProblems(page, [/status of 401/, /status of 422/, /status of 400/]);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  test('log in, create a project, upload, browse documents, see an error report', async () => {
    await page.goto(app.url);
    await page.getByTestId('login-email').fill(app.admin.email);
    await page.getByTestId('login-password').fill('wrong-password');
    await page.getByTestId('login-password').press('Enter');
    await page.getByTestId('login-error').waitFor();

    await page.getByTestId('login-password').fill(TEST_PASSWORD);
    await page.getByTestId('login-password').press('Enter');
    await page.getByTestId('current-user').waitFor();
    expect(await page.getByTestId('current-user').textContent()).toContain('admin');

    await page.getByText('New project').click();
    await page.getByTestId('project-name').fill('Web crawl quality');
    await page.getByTestId('project-task-type').selectOption('quality-rating');
    await page.getByTestId('project-create').click();
    await page.getByRole('link', { name: 'Web crawl quality' }).click();
    await page.getByTestId('project-title').filter({ hasText: 'Web crawl quality' }).waitFor();

    // project settings: a JSON typo and a config the task type refuses are both explained; a good change is kept
    await page.getByText('Project settings').click();
    const config = page.getByTestId('settings-config');
    expect(JSON.parse(await config.inputValue())).toMatchObject({ scale: { min: 0, max: 5 }, keepDrop: false });
    await config.fill('{"keepDrop": true,');
    await page.getByTestId('settings-save').click();
    expect(await page.getByTestId('settings-problem').textContent()).toMatch(/Task config is not valid JSON/);
    await config.fill('{"scale": {"min": 5, "max": 1}}');
    await page.getByTestId('settings-save').click();
    await expect.poll(() => page.getByTestId('settings-problem').textContent()).toMatch(/^config: /);
    await config.fill('{"keepDrop": true}');
    await page.getByTestId('settings-training').check();
    await page.getByTestId('settings-save').click();
    // the saved config comes back with the task type's defaults filled in
    await expect.poll(async () => JSON.parse(await config.inputValue())).toMatchObject({ keepDrop: true, scale: { min: 0, max: 5 } });
    expect(await page.getByTestId('settings-problem').count()).toBe(0);
    await page.reload();
    await page.getByText('Project settings').click();
    expect(await page.getByTestId('settings-training').isChecked()).toBe(true);

    // members: add an annotator by email (its hostile name shows as text), who then sees the project; remove them
    const member = await app.buildUser('annotator', { name: HOSTILE });
    const outsider = await app.buildUser('annotator');
    await page.getByTestId('project-members').locator('summary').click();
    await page.getByTestId('member-email').fill(member.email);
    await page.getByTestId('member-role').selectOption('reviewer');
    await page.getByTestId('add-member-form').getByRole('button', { name: 'Add member' }).click();
    const memberRow = page.getByTestId('members-table').locator('tr').filter({ hasText: member.email });
    await memberRow.waitFor();
    expect(await memberRow.locator('td').first().textContent()).toBe(HOSTILE);
    expect(await memberRow.textContent()).toContain('labels only (global annotator)');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    const listedTo = async (user: { email: string }) => {
      const other = await browser.newContext();
      const p = await other.newPage();
      await p.goto(app.url);
      await p.getByTestId('login-email').fill(user.email);
      await p.getByTestId('login-password').fill(TEST_PASSWORD);
      await p.getByTestId('login-password').press('Enter');
      await p.getByTestId('current-user').waitFor();
      await p.locator('[data-testid="projects-table"], [data-testid="projects-empty"]').first().waitFor();
      const listed = await p.getByRole('link', { name: 'Web crawl quality' }).count();
      await other.close();
      return listed;
    };
    expect(await listedTo(member)).toBe(1);
    expect(await listedTo(outsider)).toBe(0);
    await page.getByTestId('members-open-to-all').check();
    await expect.poll(() => page.getByTestId('project-members').locator('summary').textContent()).toContain('open to all annotators');
    expect(await listedTo(outsider)).toBe(1);
    await page.getByTestId('members-open-to-all').uncheck();
    await expect.poll(() => page.getByTestId('project-members').locator('summary').textContent()).not.toContain('open to all');
    await memberRow.getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => page.getByTestId('members-table').count()).toBe(0);

    await page.getByTestId('upload-file').setInputFiles({ name: 'crawl.jsonl', mimeType: 'application/jsonl', buffer: corpus() });
    await page.getByTestId('upload-submit').click();
    const summary = page.getByTestId('upload-summary');
    await summary.waitFor();
    expect(await summary.textContent()).toContain('60 imported');
    expect(await page.getByTestId('upload-records').textContent()).toContain('60 records processed');
    expect(await page.getByTestId('upload-progress').getAttribute('value')).toBe(String(corpus().length));

    await expect.poll(() => page.getByTestId('doc-row').count(), { timeout: 10_000 }).toBe(50);
    expect(await page.getByTestId('docs-stats').textContent()).toContain('60 documents');
    await page.getByTestId('docs-next').click();
    await expect.poll(() => page.getByTestId('doc-row').count(), { timeout: 10_000 }).toBe(10);
    expect(await page.getByTestId('docs-page').textContent()).toBe('Page 2');
    await page.getByTestId('docs-prev').click();
    await expect.poll(() => page.getByTestId('doc-row').count(), { timeout: 10_000 }).toBe(50);

    // hostile text shows literally and runs nothing
    const hostileRow = page.getByTestId('doc-row').filter({ hasText: 'Crawled page' });
    expect(await hostileRow.textContent()).toContain(HOSTILE);
    await hostileRow.focus();
    await page.keyboard.press('Enter');
    expect(await page.getByTestId('doc-full').textContent()).toBe(`Crawled page ${HOSTILE}`);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

    await page.getByTestId('docs-search').fill('zebrafish');
    await page.getByTestId('docs-search').press('Enter');
    await expect.poll(() => page.getByTestId('doc-row').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.getByTestId('doc-row').textContent()).toContain('zebrafish');

    // a deep link survives a reload: the server answers index.html and the router resolves the path
    await page.reload();
    await page.getByTestId('project-title').filter({ hasText: 'Web crawl quality' }).waitFor();

    await page.getByTestId('upload-file').setInputFiles({ name: 'bad.jsonl', mimeType: 'application/jsonl', buffer: BAD_FILE });
    await page.getByTestId('upload-submit').click();
    await page.getByTestId('upload-errors').waitFor();
    const report = await page.getByTestId('upload-summary').textContent();
    expect(report).toContain('Import refused');
    expect(report).toMatch(/Line 2:/);
    expect(report).toMatch(/Line 3:/);
    expect(await page.getByTestId('upload-records').textContent()).toContain('2 records processed');
    await page.getByTestId('imports-table').filter({ hasText: 'bad.jsonl' }).waitFor();

    await page.screenshot({ path: '/tmp/curate-admin.png', fullPage: true });
    await page.setViewportSize({ width: 360, height: 800 });
    await page.screenshot({ path: '/tmp/curate-admin-360.png', fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByTestId('users-table').filter({ hasText: app.admin.email }).waitFor();

    expect(problems).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, signInAt, watchProblems } from './support/browser.ts';
import { startServerWithClient } from './support/server.ts';
import { type TestApp } from '../support/test-app.ts';
import { buildBatch, buildDocuments, buildTokenClient } from '../support/factories.ts';

const DOCUMENTS = 12;
const FLAGGED = 'doc-05';
const externalId = (i: number) => `doc-${String(i).padStart(2, '0')}`;

describe('review queue and export & filter pages', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let projectId: number;
  let admin: Awaited<ReturnType<typeof buildTokenClient>>;

  beforeAll(async () => {
    app = await startServerWithClient();
    const project = await app.buildProject({ name: 'Crawl review' });
    projectId = project.id;
    await buildDocuments(
      app,
      projectId,
      Array.from({ length: DOCUMENTS }, (_, i) => ({
        id: externalId(i),
        text: `Web page ${i} <b>not bold</b> ${randomUUID()}`,
        source: i % 3 ? 'web' : 'books',
      })),
    );
    await buildBatch(app, projectId, { redundancy: 3 });
    // Three annotators agree on a score of i % 6 for document i; the third flags one document instead of rating it.
    const annotators = await Promise.all([0, 1, 2].map(() => buildTokenClient(app)));
    for (const [a, client] of annotators.entries()) {
      for (;;) {
        const { body } = await client.post(`/api/projects/${projectId}/tasks/lease`, { count: 5 }).expect(200);
        if (!body.tasks.length) break;
        for (const task of body.tasks) {
          const id = task.document.externalId as string;
          if (a === 2 && id === FLAGGED) {
            await client.post(`/api/tasks/${task.slotId}/skip`, { flag: { reason: 'pii', note: 'Contains a phone number' } }).expect(200);
          } else {
            const value = { score: Number(id.slice(4)) % 6 };
            await client
              .post(`/api/projects/${projectId}/judgments`, { clientId: randomUUID(), slotId: task.slotId, value, timeSpentMs: 6500 })
              .expect(201);
          }
        }
      }
    }
    admin = await buildTokenClient(app, 'admin');
    await admin.post(`/api/projects/${projectId}/aggregate`).expect(200);

    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    problems = watchProblems(page);
    await signInAt(page, app.url, app.admin.email);
    await page.getByTestId('current-user').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  test('a reviewer compares the judgments of a flagged item and adjudicates it into gold', async () => {
    await page.goto(`${app.url}/review/${projectId}`);
    const entry = page.getByTestId('review-queue-item').filter({ hasText: FLAGGED });
    await entry.click();
    const item = page.getByTestId('review-item');
    await item.getByTestId('review-item-title').filter({ hasText: FLAGGED }).waitFor();
    expect(await entry.textContent()).toContain('flagged: pii');
    expect(await item.getByTestId('review-flags').textContent()).toContain('Contains a phone number');
    await expect.poll(() => item.getByTestId('review-judgment').count()).toBe(3);
    const values = await item.getByTestId('review-judgment-value').allTextContents();
    expect(values.map((v) => v.replace(/\s+/g, ' ').trim())).toEqual(['Score 5', 'Score 5']);
    expect(await item.getByTestId('review-skip-reason').textContent()).toContain('flag:pii');
    // all three side by side, on screen (no card pushed out of view)
    for (const card of await item.getByTestId('review-judgment').all()) expect((await card.boundingBox())!.x).toBeGreaterThan(0);
    // the document is shown as text, markup and all
    expect(await item.getByTestId('doc-text').textContent()).toContain('<b>not bold</b>');

    // Keyboard only: tick "promote to gold", a digit proposes the score, Enter on the focused Save button saves it.
    await item.getByTestId('adjudicate-gold').focus();
    await page.keyboard.press('Space');
    expect(await item.getByTestId('adjudicate-gold').isChecked()).toBe(true);
    await page.keyboard.press('4');
    await item.getByTestId('adjudicate-proposed').filter({ hasText: '4' }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('adjudicate-save');
    await page.keyboard.press('Enter');
    await entry.waitFor({ state: 'detached' });

    const queue = await admin.get(`/api/projects/${projectId}/review`).expect(200);
    expect(queue.body.items.map((i: { document: { externalId: string } }) => i.document.externalId)).not.toContain(FLAGGED);
    const adjudicated = await admin.get(`/api/projects/${projectId}/export?format=jsonl&adjudicatedOnly=true`).expect(200);
    const rows = (adjudicated.text as string)
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(rows).toEqual([expect.objectContaining({ id: FLAGGED, method: 'adjudicated', label: { score: 4 } })]);
    expect(problems).toEqual([]);
  });

  test('the admin moves the filter threshold, sizes a model, and downloads the labeled set with progress', async () => {
    await page.getByTestId('project-nav').getByRole('link', { name: 'Export & filter' }).click();
    await page.getByTestId('export-title').waitFor();

    const kept = page.getByTestId('filter-kept');
    await kept.waitFor();
    const before = await kept.textContent();
    expect(before).toContain(`of ${DOCUMENTS}`);
    await page.getByTestId('filter-curve').locator('polyline[data-testid="curve-keptShare"]').waitFor();
    expect(await page.getByTestId('curve-keptShare').getAttribute('points')).toMatch(/^[\d.]+,[\d.]+( [\d.]+,[\d.]+){20}$/);
    expect(await page.getByTestId('filter-source-row').count()).toBe(2);

    // Ten steps of 0.1 from the middle (2.5) to 3.5: the items scored 3 drop out.
    await page.getByTestId('filter-threshold').focus();
    for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowRight');
    expect(await page.getByTestId('filter-threshold-value').textContent()).toBe('3.5');
    await expect.poll(() => kept.textContent(), { timeout: 10_000 }).not.toBe(before);
    const markerAt = (await page.getByTestId('curve-marker').getAttribute('x1'))!;
    expect(Number(markerAt)).toBeGreaterThan(0);
    expect(await page.getByTestId('filter-keep-ids').getAttribute('href')).toContain('threshold=3.5');

    await page.getByTestId('model-size').fill('7');
    await expect.poll(() => page.getByTestId('budget-needed').textContent(), { timeout: 10_000 }).toContain('140B');
    expect(await page.getByTestId('budget-raw').textContent()).toMatch(/raw tokens to collect at a [\d.]+% keep rate/);

    const matching = page.getByTestId('export-matching');
    await matching.filter({ hasText: `${DOCUMENTS} rows match` }).waitFor();
    const adjudicatedOnly = page.getByLabel('Adjudicated items only');
    await adjudicatedOnly.check();
    await matching.filter({ hasText: '1 row matches' }).waitFor();
    await adjudicatedOnly.uncheck();
    await matching.filter({ hasText: `${DOCUMENTS} rows match` }).waitFor();

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-download').click()]);
    const lines = (await readFile((await download.path())!, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(DOCUMENTS);
    const ids = lines.map((line) => JSON.parse(line).id as string).sort();
    expect(ids).toEqual(Array.from({ length: DOCUMENTS }, (_, i) => externalId(i)));
    await page.getByTestId('export-progress-text').filter({ hasText: '100%' }).waitFor();
    expect(await page.getByTestId('export-progress-text').textContent()).toContain(`${DOCUMENTS} of ${DOCUMENTS} rows`);
    expect(problems).toEqual([]);
  });
});

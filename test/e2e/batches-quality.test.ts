import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, signInAt, watchProblems } from './support/browser.ts';
import { startServerWithClient } from './support/server.ts';
import { type SignedInAgent, type TestApp } from '../support/test-app.ts';
import { buildDocuments } from '../support/factories.ts';

const SOURCES = ['wiki', 'forum'];
const DOCUMENTS = 40;
const K = 3;

/** Scores mostly agree; the third annotator rates forum pages one point higher, so the confusion matrix has off-diagonal cells. */
function scoreOf(index: number, annotator: number): number {
  const base = index % 6;
  return annotator === 2 && index % 2 === 1 ? Math.min(5, base + 1) : base;
}

type Task = { slotId: number; document: { externalId: string } };

/** An annotator working through everything the project has for them, in leases of ten, through the real API. */
async function labelEverything(app: TestApp, signedIn: SignedInAgent, projectId: number, annotator: number): Promise<number> {
  const { agent, csrf } = signedIn;
  let submitted = 0;
  for (;;) {
    const lease = await agent.post(`/api/projects/${projectId}/tasks/lease`).set('X-CSRF-Token', csrf).send({ count: 10 }).expect(200);
    const tasks = lease.body.tasks as Task[];
    if (!tasks.length) return submitted;
    for (const task of tasks) {
      const index = Number(task.document.externalId.slice(4));
      await agent
        .post(`/api/projects/${projectId}/judgments`)
        .set('X-CSRF-Token', csrf)
        // the third annotator clicks through, so the reliability table has a 'too fast' flag to show
        .send({ clientId: randomUUID(), slotId: task.slotId, value: { score: scoreOf(index, annotator) }, timeSpentMs: annotator === 2 ? 900 : 4500 })
        .expect(201);
      submitted++;
    }
  }
}

describe('batches and quality pages', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let projectId: number;
  let annotators: SignedInAgent[];

  beforeAll(async () => {
    app = await startServerWithClient();
    const project = await app.buildProject({ name: 'Crawl sample' });
    projectId = project.id;
    await buildDocuments(
      app,
      projectId,
      Array.from({ length: DOCUMENTS }, (_, i) => ({
        id: `doc-${i}`,
        text: `Web page ${i} about topic ${i % 6}. ${randomUUID()}`,
        source: SOURCES[i % 2],
      })),
    );
    annotators = await Promise.all([0, 1, 2].map(async (n) => app.signIn(await app.buildUser('annotator', { name: `Annotator ${n + 1}` }))));
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // the refused sampling plan below is an expected failed request
    problems = watchProblems(page, [/status of 400/]);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  test('create and open a batch, watch live progress, then read the quality plots', async () => {
    await signInAt(page, `${app.url}/projects/${projectId}/batches`, app.admin.email);
    await page.getByTestId('batches-title').waitFor();
    await page.getByTestId('batches-table').filter({ hasText: 'No batches yet' }).waitFor();

    // A plan no document fits: the server's reason shows beside the form.
    await page.getByTestId('batch-name').fill('Nowhere');
    await page.getByTestId('batch-sampling').selectOption('stratified');
    await page.getByTestId('proportion-add').click();
    await page.getByTestId('proportion-key-0').fill('no-such-source');
    await page.getByTestId('batch-create').click();
    expect(await page.getByTestId('batch-form-error').textContent()).toMatch(/No documents/);

    // Stratified by source with the project's own sources, k = 3, seeded.
    await page.getByTestId('batch-name').fill('Round 1');
    await page.getByTestId('batch-size').fill(String(DOCUMENTS));
    await page.getByTestId('batch-fill-sources').click();
    await page.getByTestId('proportion-key-1').waitFor();
    const keys = await Promise.all([0, 1].map((i) => page.getByTestId(`proportion-key-${i}`).inputValue()));
    expect(keys.sort()).toEqual(SOURCES.toSorted());
    await page.getByTestId('batch-k').fill(String(K));
    await page.getByTestId('batch-seed').fill('7');
    await page.getByTestId('batch-create').click();
    const created = await page.getByTestId('batch-created').textContent();
    expect(created).toContain(`${DOCUMENTS} items`);
    expect(created).toContain(`${DOCUMENTS * K} judgment slots`);
    expect(created).toContain('forum: 20');
    await expect.poll(() => page.getByTestId('batch-form-error').count()).toBe(0);

    const row = page.getByTestId('batch-row').filter({ hasText: 'Round 1' });
    expect(await row.getByTestId('batch-status').textContent()).toBe('draft');
    await row.getByTestId('batch-open').click();
    await row.getByTestId('batch-status').filter({ hasText: 'open' }).waitFor();
    const bar = row.getByTestId('batch-progress');
    expect(await bar.getAttribute('data-total')).toBe(String(DOCUMENTS * K));
    expect(await bar.getAttribute('data-done')).toBe('0');

    // Annotators work while the page stays open: the bar follows over the socket, with no reload.
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    expect(await labelEverything(app, annotators[0], projectId, 0)).toBe(DOCUMENTS);
    await row.locator(`[data-testid="batch-progress"][data-done="${DOCUMENTS}"]`).waitFor({ timeout: 15_000 });
    expect(await bar.textContent()).toContain(`${DOCUMENTS} done`);
    await Promise.all([1, 2].map((a) => labelEverything(app, annotators[a], projectId, a)));
    await row.locator(`[data-testid="batch-progress"][data-done="${DOCUMENTS * K}"]`).waitFor({ timeout: 15_000 });
    expect(await bar.textContent()).toContain(`${DOCUMENTS}/${DOCUMENTS} items complete`);
    expect(Number(await row.getByTestId('batch-rate').textContent())).toBeGreaterThan(0);
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    await page.screenshot({ path: '/tmp/curate-batches.png', fullPage: true });

    // Quality: re-aggregate on demand, then the plots.
    await page.getByTestId('project-nav').getByRole('link', { name: 'Quality' }).click();
    await page.getByTestId('reaggregate').click();
    const histogram = page.getByTestId('quality-histogram');
    await histogram.waitFor();
    const heights = await histogram.locator('rect.bar').evaluateAll((bars) => bars.map((b) => Number(b.getAttribute('height'))));
    expect(heights).toHaveLength(6);
    expect(heights.filter((h) => h > 0).length).toBeGreaterThanOrEqual(5);
    expect(await histogram.locator('svg').getAttribute('aria-label')).toMatch(/Results, all sources: 0 \d+/);
    expect(await page.getByTestId('confidence-histogram').locator('rect.bar').count()).toBe(10);

    const perSource = page.getByTestId('source-histogram');
    expect(await perSource.count()).toBe(2);
    expect(await perSource.locator('figcaption').allTextContents()).toEqual(['forum (20)', 'wiki (20)']);
    for (const plot of await perSource.all()) expect(await plot.locator('rect.bar[height]:not([height="0"])').count()).toBeGreaterThan(0);

    const figures = page.getByTestId('agreement-figure');
    expect(await figures.count()).toBeGreaterThanOrEqual(3);
    const alpha = figures.and(page.locator('[data-key="alphaOrdinal"]'));
    expect(await alpha.getByTestId('agreement-value').textContent()).toMatch(/^-?\d\.\d{3}$/);
    expect(await alpha.getByTestId('agreement-meaning').textContent()).toMatch(/^(Reliable|Tentative|Unreliable):/);
    expect(await figures.and(page.locator('[data-key="fleissKappa"]')).getByTestId('agreement-meaning').textContent()).toMatch(
      /agreement beyond chance|Worse than chance/,
    );
    expect(await figures.and(page.locator('[data-key="percentAgreement"]')).getByTestId('agreement-value').textContent()).toMatch(/^\d+\.\d%$/);

    const rows = page.getByTestId('annotator-row');
    expect(await rows.count()).toBe(3);
    expect((await rows.getByTestId('annotator-name').allTextContents()).map((n) => n.split(' <')[0]).sort()).toEqual([
      'Annotator 1',
      'Annotator 2',
      'Annotator 3',
    ]);
    // sorted by flags first: the fast clicker leads
    expect(await rows.first().textContent()).toMatch(/Annotator 3[\s\S]*too fast/);
    await page.getByTestId('sort-name').click();
    expect(await rows.first().getByTestId('annotator-name').textContent()).toMatch(/^Annotator 1/);

    const heatmap = page.getByTestId('confusion-heatmap');
    expect(await heatmap.getByTestId('heatmap-cell').count()).toBe(36);
    expect(await heatmap.locator('text.value').first().textContent()).toMatch(/^\d+%$/);
    // it opens on the annotator who agrees least, whose generous forum scores sit off the diagonal
    expect(await heatmap.locator('figcaption').textContent()).toContain('Annotator 3');
    expect(await heatmap.locator('rect.cell.other:not([fill-opacity="0.06"])').count()).toBeGreaterThan(0);
    const steady = (await page.getByTestId('confusion-annotator').locator('option').allTextContents()).find((name) =>
      name.startsWith('Annotator 1'),
    )!;
    await page.getByTestId('confusion-annotator').selectOption({ label: steady });
    await heatmap.locator('figcaption').filter({ hasText: 'Annotator 1' }).waitFor();
    expect(await heatmap.locator('rect.cell.other:not([fill-opacity="0.06"])').count()).toBe(0);

    // Settings: a review threshold no result reaches sends every item to review on the next run.
    await page.getByTestId('aggregation-threshold').fill('1');
    await page.getByTestId('aggregation-save').click();
    await page.getByText('Aggregation settings saved').waitFor();
    expect(await page.getByTestId('aggregation-threshold').inputValue()).toBe('1');
    await page.getByTestId('reaggregate').click();
    await page
      .getByTestId('aggregated-at')
      .filter({ hasText: `${DOCUMENTS} low-confidence items` })
      .waitFor();

    await page.screenshot({ path: '/tmp/curate-quality.png', fullPage: true });
    expect(problems).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, signInAt, watchProblems } from './support/browser.ts';
import { startServerWithClient } from './support/server.ts';
import { type TestApp } from '../support/test-app.ts';
import { buildBatch, buildDocuments, buildTokenClient, labelAll } from '../support/factories.ts';

const DOCUMENTS = 120;
const LABELED = 80;
const good = ['the lecture derives the equations of motion step by step', 'a worked example of the proof with each lemma explained'];
const bad = ['click here for cheap deals <b>free</b> spins', 'buy now limited offer <script>alert(1)</script> casino'];

describe('classifier page', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let projectId: number;

  beforeAll(async () => {
    app = await startServerWithClient();
    projectId = (await app.buildProject({ name: 'Crawl classifier' })).id;
    await buildDocuments(
      app,
      projectId,
      Array.from({ length: DOCUMENTS }, (_, i) => ({
        id: `doc-${i}`,
        text: `${(i % 2 ? bad : good)[(i >> 1) % 2]} ${i}`,
        source: i % 3 ? 'web' : 'books',
      })),
    );
    await buildBatch(app, projectId, { size: LABELED, redundancy: 1 });
    await labelAll(await buildTokenClient(app), projectId, (i) => ({ score: i % 2 ? 1 : 4 }));
    await (await buildTokenClient(app, 'admin')).post(`/api/projects/${projectId}/aggregate`).expect(200);

    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    problems = watchProblems(page);
    await signInAt(page, app.url, app.admin.email);
    await page.getByTestId('current-user').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  test('an admin trains from the nav, sees the evaluation beside the baselines and the history, scores the corpus and filters it', async () => {
    await page.goto(`${app.url}/projects/${projectId}/export`);
    await page.getByTestId('project-nav').getByRole('link', { name: 'Classifier' }).click();
    await page.getByTestId('history-empty').waitFor();
    await page.getByTestId('train-bucket').fill('4096');
    await page.getByTestId('train-dim').fill('8');
    await page.getByTestId('train-epoch').fill('15');
    await page.getByTestId('train').click();

    const evaluation = page.getByTestId('classifier-evaluation');
    await evaluation.waitFor();
    const accuracy = Number(await evaluation.getByTestId('evaluation-model').first().textContent());
    const majority = Number(await evaluation.getByTestId('evaluation-majority').first().textContent());
    expect(accuracy).toBeGreaterThan(majority);
    await page.getByTestId('classifier-f1-bars').waitFor();
    await page.getByTestId('classifier-keep-curve').waitFor();
    await expect.poll(() => page.getByTestId('history-row').count()).toBe(1);
    expect(await page.getByTestId('history-row').textContent()).toContain('trained');

    await page.getByTestId('score-corpus').click();
    await page.getByTestId('download-scores').waitFor();
    await expect.poll(() => page.getByTestId('history-row').textContent()).toContain(String(DOCUMENTS));

    await page.getByTestId('project-nav').getByRole('link', { name: 'Export & filter' }).click();
    const corpus = page.getByTestId('corpus-filter');
    await expect.poll(() => corpus.getByTestId('corpus-kept').textContent()).toContain(`of ${DOCUMENTS}`);
    await corpus.getByTestId('filter-sources').waitFor();
    expect(await corpus.getByTestId('corpus-budget').textContent()).toContain('20B');
    expect(problems).toEqual([]);
  });

  test('Next round retrains, scores and draws an uncertainty batch; the learning curve plots each run', async () => {
    await page.goto(`${app.url}/projects/${projectId}/classifier`);
    await page.getByTestId('classifier-learning-curve').waitFor();
    await page.getByTestId('round-size').fill('10');
    await page.getByTestId('next-round').click();
    await expect.poll(() => page.getByTestId('history-row').count()).toBe(2);
    await expect.poll(() => page.getByTestId('history-row').first().textContent(), { timeout: 120_000 }).toMatch(/round: batch \d+ \(10 documents\)/);
    expect(await page.getByTestId('classifier-learning-curve').locator('circle').count()).toBe(4);
    await page.getByTestId('project-nav').getByRole('link', { name: 'Batches' }).click();
    await page
      .getByText(/Round \d+/)
      .first()
      .waitFor();
    expect(problems).toEqual([]);
  });
});

/**
 * An admin configures an LLM judge that points at the local OpenAI-compatible server, previews its prompt on a
 * hostile document (shown as text), runs it over a batch humans also labeled, watches the run reach done with its
 * tokens and the one answer it could not parse, and reads the judge's calibration report.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, signInAt, watchProblems } from './support/browser.ts';
import { startServerWithClient } from './support/server.ts';
import { type TestApp } from '../support/test-app.ts';
import { buildBatch, buildDocuments, buildTokenClient, labelAll } from '../support/factories.ts';
import { startOpenAIEmulator, type OpenAIEmulator } from '../support/openai-emulator/index.ts';

const DOCUMENTS = 24;
const KEY_ENV = 'CURATE_E2E_JUDGE_KEY';
const KEY = 'sk-e2e-judge';
const HOSTILE = '<img src=x onerror="document.title=\'owned\'"><script>alert(1)</script> doc-0';
/** The human score of doc-<i>; the judge answers one point higher on the upper half, the same below. */
const humanScore = (i: number) => i % 6;
const textOf = (i: number) => (i === 0 ? HOSTILE : `Document doc-${i} about topic ${i % 6}.`);

describe('judges page', () => {
  let app: TestApp;
  let emulator: OpenAIEmulator;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let projectId: number;

  beforeAll(async () => {
    process.env[KEY_ENV] = KEY;
    emulator = await startOpenAIEmulator({
      apiKey: KEY,
      latencyMs: 20,
      script: ({ messages }) => {
        const prompt = messages.map((m) => m.content).join('\n');
        const i = Number(/doc-(\d+)/.exec(prompt)?.[1] ?? -1);
        if (i === 7) return { content: 'I cannot rate this extract.' };
        const score = humanScore(i) >= 3 ? Math.min(5, humanScore(i) + 1) : humanScore(i);
        return { content: `The extract is short.\nEducational score: ${score}` };
      },
    });
    app = await startServerWithClient();
    projectId = (await app.buildProject({ name: 'Judged crawl' })).id;
    await buildDocuments(
      app,
      projectId,
      Array.from({ length: DOCUMENTS }, (_, i) => ({ id: `doc-${i}`, text: textOf(i), source: i % 2 ? 'web' : 'books' })),
    );
    await buildBatch(app, projectId, { name: 'calibration', size: DOCUMENTS, redundancy: 1 });
    await labelAll(await buildTokenClient(app), projectId, (i) => ({ score: humanScore(i) }));

    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    problems = watchProblems(page);
    await signInAt(page, app.url, app.admin.email);
    await page.getByTestId('current-user').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await emulator?.close();
    delete process.env[KEY_ENV];
  });

  test('an admin adds a judge against the emulator, previews its prompt, runs it over a batch to done and reads its report', async () => {
    await page.goto(`${app.url}/projects/${projectId}/batches`);
    await page.getByTestId('project-nav').getByRole('link', { name: 'Judges' }).click();
    await page.getByTestId('judges-empty').waitFor();

    await page.getByTestId('judge-add').click();
    await page.getByTestId('judge-name').fill('Emulated Llama');
    await page.getByTestId('judge-base-url').fill(emulator.url);
    await page.getByTestId('judge-model').fill('llama-3-70b-instruct');
    await page.getByTestId('judge-key-env').fill(KEY_ENV);
    await page.getByTestId('judge-concurrency').fill('4');
    await page.getByTestId('judge-price-in').fill('1');
    await page.getByTestId('judge-price-out').fill('2');
    await page.getByTestId('judge-save').click();
    await expect.poll(() => page.getByTestId('judge-row').count()).toBe(1);
    expect(await page.getByTestId('judge-row').textContent()).toContain(KEY_ENV);
    expect(await page.getByTestId('judge-row').textContent()).not.toContain(KEY);

    // The preview shows the exact messages, the hostile document as text: no element of it reaches the page.
    const hostileOption = page.getByTestId('judge-preview-document').locator('option', { hasText: 'doc-0:' });
    await page.getByTestId('judge-preview-document').selectOption((await hostileOption.getAttribute('value'))!);
    await page.getByTestId('judge-preview').click();
    const preview = page.getByTestId('judge-preview-messages');
    await preview.waitFor();
    expect(await preview.textContent()).toContain(HOSTILE);
    expect(await preview.textContent()).toContain('Educational score');
    expect(await preview.locator('img, script').count()).toBe(0);
    expect(await page.title()).not.toBe('owned');

    await page.getByTestId('judge-run-scope').selectOption({ label: 'Batch calibration' });
    await page.getByTestId('judge-run-start').click();
    const run = page.getByTestId('judge-run-row').first();
    await expect.poll(() => run.getAttribute('data-status'), { timeout: 120_000 }).toBe('done');
    expect(await run.getByTestId('judge-run-done').textContent()).toBe(`${DOCUMENTS} of ${DOCUMENTS}`);
    expect(await run.getByTestId('judge-run-unparsed').textContent()).toBe('1');
    const tokens = (await run.getByTestId('judge-run-tokens').textContent())!.split('/').map((t) => Number(t.replace(/\D/g, '')));
    expect(tokens[0]).toBeGreaterThan(0);
    expect(tokens[1]).toBeGreaterThan(0);
    expect(await run.getByTestId('judge-run-cost').textContent()).toMatch(/^\$0\.\d{4}$/);
    const unparsed = page.getByTestId('judge-unparsed-examples');
    await unparsed.locator('summary').click();
    const answer = unparsed.getByTestId('judge-unparsed-answer');
    await answer.waitFor();
    expect(await answer.textContent()).toBe('I cannot rate this extract.');
    const asked = new Set(emulator.requests.map((r) => /doc-(\d+)/.exec(r.messages.map((m) => m.content).join('\n'))?.[1]));
    expect(asked.size).toBe(DOCUMENTS);
    expect(emulator.requests.every((r) => r.authorization === `Bearer ${KEY}`)).toBe(true);

    // The calibration report: every parsed answer's document has a human label, and the judge scores higher than the
    // humans on 3 and 4, never lower, so its mean offset is positive.
    await page.getByTestId('judge-report-load').click();
    const overall = page.getByTestId('judge-report').getByTestId('judge-report-row').first();
    await overall.waitFor();
    expect(await overall.getByTestId('judge-report-shared').textContent()).toBe(String(DOCUMENTS - 1));
    // One human per document is that document's consensus: the judge is exact on the 15 shared documents scored 0, 1,
    // 2 or 5 (doc-7, scored 1, is unparsed) of 23.
    expect(await overall.getByTestId('judge-report-accuracy').textContent()).toBe((15 / 23).toFixed(3));
    expect(await overall.getByTestId('judge-report-kappa').textContent()).toMatch(/^-?[01]\.\d{3}$/);
    expect(await overall.getByTestId('judge-report-offset').textContent()).toMatch(/^\+0\.\d\d /);
    await expect.poll(() => page.getByTestId('judge-report-row').count()).toBe(3); // all, books, web
    expect(await page.getByTestId('judge-report-confusion').locator('tbody tr').count()).toBe(6);

    // The quality page's Judges section reads the same report: figures, the confusion as a heatmap, and a budget that
    // routes every held-out document to three humans spends them all and agrees with them fully.
    await page.goto(`${app.url}/projects/${projectId}/quality`);
    const section = page.getByTestId('quality-judges');
    await section.waitFor();
    const judgeRow = section.getByTestId('quality-judge-row').first();
    expect(await judgeRow.getByTestId('quality-judge-shared').textContent()).toBe(String(DOCUMENTS - 1));
    expect(await judgeRow.getByTestId('quality-judge-weighted-kappa').textContent()).toMatch(/^0\.\d{3}$/);
    expect(await judgeRow.getByTestId('quality-judge-spearman').textContent()).toMatch(/^0\.\d{3}$/);
    expect(await judgeRow.getByTestId('quality-judge-offset').textContent()).toMatch(/^\+0\.35 /);
    expect(await section.getByTestId('quality-judge-row').count()).toBe(3);
    expect(await section.getByTestId('quality-judge-confusion').getByTestId('heatmap-cell').count()).toBe(36);
    await section.getByTestId('quality-judges-budget').fill('3000');
    await section.getByTestId('quality-judges-budget-apply').click();
    await expect.poll(() => section.getByTestId('budget-saved').textContent()).toBe('0%');
    expect(await section.getByTestId('budget-agreement').textContent()).toMatch(/^1\.000 /);

    expect(problems).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, signInAt, watchProblems } from './support/browser.ts';
import { startServerWithClient } from './support/server.ts';
import { type TestApp } from '../support/test-app.ts';
import { startProlificEmulator, type ProlificEmulator } from '../support/prolific-emulator/index.ts';
import { buildBatch, buildDocuments, buildTokenClient } from '../support/factories.ts';

/** Two ordinary documents and two gold ones whose known answers are the extremes of the 0-5 scale. */
const DOCUMENTS = [
  { id: 'plain-1', text: 'A forum thread comparing garden hoses, with some advice on winter storage.' },
  { id: 'plain-2', text: 'A recipe page for lentil soup with a long story before the recipe.' },
  { id: 'gold-high', text: 'GOLD-HIGH: a clear lesson on photosynthesis, with definitions, a worked example and a summary.' },
  { id: 'gold-low', text: 'GOLD-LOW: cheap pills buy now click here best price best price best price.' },
];
const careful = (text: string) => (text.includes('GOLD-HIGH') ? 5 : text.includes('GOLD-LOW') ? 0 : 3);

describe('crowd work on Prolific, in the browser', () => {
  let emulator: ProlificEmulator;
  let app: TestApp;
  let browser: Browser;
  const problems: string[][] = [];

  beforeAll(async () => {
    emulator = await startProlificEmulator();
    app = await startServerWithClient({
      CROWD_CHANNEL: 'prolific',
      PROLIFIC_ENDPOINT: emulator.apiUrl,
      PROLIFIC_TOKEN: emulator.token,
      PROLIFIC_COMPLETE_URL: `${emulator.origin}/submissions/complete`,
    });
    // Studies link to `${PUBLIC_URL}/prolific`; the test server's port is known only once it listens.
    app.ctx.config.PUBLIC_URL = app.url;
    const admin = await buildTokenClient(app, 'admin');
    const project = await app.buildProject({ name: 'Prolific rating' });
    await buildDocuments(app, project.id, DOCUMENTS);
    await admin
      .put(`/api/projects/${project.id}/gold`, {
        answers: [
          { externalId: 'gold-high', answer: { score: 5 } },
          { externalId: 'gold-low', answer: { score: 0 } },
        ],
      })
      .expect(200);
    await buildBatch(app, project.id, { name: 'Prolific batch', redundancy: 1, goldRate: 0.5, channel: 'crowd' }, false);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await emulator?.close();
  });

  async function newPage(viewport: { width: number; height: number }, expected: RegExp[] = []): Promise<Page> {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    problems.push(watchProblems(page, expected));
    return page;
  }

  test('publish a study from the Crowd page, take part as a participant, then sync, approve and pay the bonus once', async () => {
    const adminPage = await newPage({ width: 1280, height: 900 });
    await signInAt(adminPage, app.url, app.admin.email);
    await adminPage.getByTestId('current-user').waitFor();
    await adminPage.getByRole('link', { name: 'Prolific rating', exact: true }).click();
    await adminPage.getByTestId('project-nav').getByRole('link', { name: 'Crowd' }).click();
    await adminPage.getByTestId('crowd-title').filter({ hasText: 'Prolific rating' }).waitFor();
    await adminPage.getByTestId('crowd-balance').filter({ hasText: 'Prolific tells no balance' }).waitFor();

    await adminPage.getByTestId('policy-approve').fill('99');
    await adminPage.getByTestId('policy-reject').fill('50');
    await adminPage.getByTestId('policy-min-gold').fill('1');
    await adminPage.getByTestId('policy-bonus').check();
    await adminPage.getByTestId('policy-bonus-accuracy').fill('100');
    await adminPage.getByTestId('policy-bonus-amount').fill('0.25');
    await adminPage.getByTestId('policy-save').click();
    await adminPage.getByText('Review policy saved.').waitFor();

    const form = adminPage.locator('[data-testid^="publish-batch-"]').filter({ hasText: 'Prolific batch' });
    await form.getByTestId('publish-reward').fill('0.60');
    await form.getByTestId('publish-items-per-hit').fill('4');
    await form.getByTestId('publish-minutes').fill('4');
    await form.getByTestId('publish-estimate').click();
    // 1 study × 1 place at 60 cents + 33.33% (20 cents)
    await form.getByTestId('estimate-total').filter({ hasText: '0.80' }).waitFor();
    expect(await form.getByTestId('estimate-fees').textContent()).toBe('0.20');
    await form.getByTestId('publish-submit').click();
    await form.getByTestId('publish-outcome').filter({ hasText: 'Published 1 study (0 already published)' }).waitFor();
    const [study] = [...emulator.state.studies.values()];
    expect(study!.status).toBe('ACTIVE');

    // The participant starts on Prolific, labels on our page by keyboard and lands on Prolific's completion page.
    const page = await newPage({ width: 360, height: 800 });
    await page.goto(`${emulator.origin}/_participant/start?study=${study!.id}&participant=PCAREFUL0001`);
    await page.getByTestId('mturk-progress').waitFor();
    expect(new URL(page.url()).pathname).toBe('/prolific');
    for (let i = 1; i <= DOCUMENTS.length; i++) {
      await page
        .getByTestId('mturk-progress')
        .filter({ hasText: `Item ${i} of ${DOCUMENTS.length}` })
        .waitFor();
      await page.keyboard.press(String(careful((await page.getByTestId('doc-text').textContent()) ?? '')));
    }
    await page.getByTestId('mturk-progress').filter({ hasText: 'All 4 items answered' }).waitFor();
    await page.keyboard.press('Enter');
    await page.getByTestId('prolific-complete').waitFor();
    const [submission] = [...emulator.state.submissions.values()];
    expect(submission!.status).toBe('AWAITING REVIEW');

    await adminPage.getByTestId('crowd-sync').click();
    await adminPage
      .getByTestId('crowd-sync-result')
      .filter({ hasText: '1 submissions seen · 1 confirmed · 1 approved · 0 rejected · 0 held · 1 bonus paid' })
      .waitFor();
    // The page speaks Prolific's words, not MTurk's.
    await adminPage.getByRole('heading', { name: 'Sync with Prolific' }).waitFor();
    await adminPage.getByRole('heading', { name: 'Studies' }).waitFor();
    expect(await adminPage.getByTestId('crowd-workers').locator('th').first().textContent()).toBe('Participant');
    expect(submission!.status).toBe('APPROVED');
    expect(emulator.state.paid).toEqual([expect.objectContaining({ participantId: 'PCAREFUL0001', cents: 25 })]);
    await adminPage.getByTestId('crowd-sync').click();
    await adminPage.getByTestId('crowd-sync-result').filter({ hasText: '0 confirmed · 0 approved' }).waitFor();
    expect(emulator.state.paid).toHaveLength(1);
    expect(problems.flat()).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { launchBrowser, signInAt, watchProblems } from './support/browser.ts';
import { startServerWithClient } from './support/server.ts';
import { type TestApp } from '../support/test-app.ts';
import { startMturkEmulator, type MturkEmulator } from '../support/mturk-emulator/index.ts';
import { buildBatch, buildDocuments, buildTokenClient } from '../support/factories.ts';
import { rowsOf } from '../../server/db/store.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>';

/** Two ordinary documents (one hostile) and two gold ones whose known answers are the extremes of the 0-5 scale. */
const DOCUMENTS = [
  { id: 'plain-1', text: 'A forum thread comparing garden hoses, with some advice on winter storage.' },
  { id: 'plain-2', text: `Scraped page ${HOSTILE}` },
  { id: 'gold-high', text: 'GOLD-HIGH: a clear lesson on photosynthesis, with definitions, a worked example and a summary.' },
  { id: 'gold-low', text: 'GOLD-LOW: cheap pills buy now click here best price best price best price.' },
];

/** A careful worker scores the gold documents as known; a careless one gets both wrong. */
const careful = (text: string) => (text.includes('GOLD-HIGH') ? 5 : text.includes('GOLD-LOW') ? 0 : 3);
const careless = (text: string) => (text.includes('GOLD-HIGH') ? 0 : text.includes('GOLD-LOW') ? 5 : 3);

describe('crowd work on MTurk, in the browser', () => {
  let emulator: MturkEmulator;
  let app: TestApp;
  let browser: Browser;
  let admin: Awaited<ReturnType<typeof buildTokenClient>>;
  let projectId: number;
  const problems: string[][] = [];

  beforeAll(async () => {
    emulator = await startMturkEmulator({ balance: '50.00' });
    app = await startServerWithClient({ MTURK_ENDPOINT: emulator.url });
    // HITs frame `${PUBLIC_URL}/mturk`; the test server's port is known only once it listens.
    app.ctx.config.PUBLIC_URL = app.url;
    admin = await buildTokenClient(app, 'admin');
    const project = await app.buildProject({ name: 'Crowd rating' });
    projectId = project.id;
    await buildDocuments(app, project.id, DOCUMENTS);
    await admin
      .put(`/api/projects/${project.id}/gold`, {
        answers: [
          { externalId: 'gold-high', answer: { score: 5 } },
          { externalId: 'gold-low', answer: { score: 0 } },
        ],
      })
      .expect(200);
    await buildBatch(app, project.id, { name: 'Crowd batch one', redundancy: 3, goldRate: 0.5, channel: 'crowd' }, false);
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

  /** A worker in their own browser: preview is read-only, then accept, label every item by keyboard and submit. */
  async function workOnHit(hitId: string, workerId: string, answer: (text: string) => number) {
    const page = await newPage({ width: 360, height: 800 });
    const preview = (await (await fetch(`${emulator.url}/_worker/preview?hitId=${hitId}`)).json()) as { url: string };
    expect(preview.url.startsWith(`${app.url}/mturk?`)).toBe(true);
    await page.goto(preview.url);
    expect(await page.getByTestId('mturk-preview-note').textContent()).toContain('Accept the HIT to start');
    await expect.poll(() => page.getByTestId('mturk-preview-item').count()).toBe(DOCUMENTS.length);
    expect(await page.getByTestId('score-5').first().isDisabled()).toBe(true);

    const accepted = await fetch(`${emulator.url}/_worker/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hitId, workerId }),
    });
    const { assignmentId, url } = (await accepted.json()) as { assignmentId: string; url: string };
    await page.goto(url);
    await page.getByTestId('mturk-progress').waitFor();
    await page.screenshot({ path: `/tmp/curate-mturk-${workerId}.png`, fullPage: true });
    for (let i = 1; i <= DOCUMENTS.length; i++) {
      await page
        .getByTestId('mturk-progress')
        .filter({ hasText: `Item ${i} of ${DOCUMENTS.length}` })
        .waitFor();
      const text = (await page.getByTestId('doc-text').textContent()) ?? '';
      await page.keyboard.press(String(answer(text)));
    }
    await page.getByTestId('mturk-progress').filter({ hasText: 'All 4 items answered' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('mturk-submit');

    // Enter on the focused Submit posts the DOM-built form, which takes the frame to MTurk's externalSubmit.
    const [landed] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${emulator.url}/mturk/externalSubmit`),
      page.keyboard.press('Enter'),
    ]);
    expect(landed.status()).toBe(200);
    await page.getByText('Your work was submitted').waitFor();
    expect(emulator.state.assignments.get(assignmentId)!.status).toBe('Submitted');
    await page.context().close();
    return assignmentId;
  }

  test('the task page opened without the HIT and assignment says what its link is missing', async () => {
    const page = await newPage({ width: 360, height: 800 });
    await page.goto(`${app.url}/mturk`);
    expect(await page.getByTestId('mturk-error').textContent()).toContain('its link is missing the HIT and assignment');
    await page.context().close();
  });

  test('publish from the Crowd page, work the HIT as MTurk workers, then sync, review and pay', async () => {
    // the publish over the budget cap is refused with a 409 the page shows
    const adminPage = await newPage({ width: 1280, height: 900 }, [/status of 409/]);
    await signInAt(adminPage, app.url, app.admin.email);
    await adminPage.getByTestId('current-user').waitFor();
    await adminPage.getByRole('link', { name: 'Crowd rating', exact: true }).click();
    await adminPage.getByTestId('project-nav').getByRole('link', { name: 'Crowd' }).click();
    await adminPage.getByTestId('crowd-title').filter({ hasText: 'Crowd rating' }).waitFor();
    expect(await adminPage.getByTestId('crowd-balance-amount').textContent()).toBe('$50.00');

    // review policy: approve only perfect gold, reject under half, a bonus for perfect work, hold the rest
    await adminPage.getByTestId('policy-approve').fill('99');
    await adminPage.getByTestId('policy-reject').fill('50');
    await adminPage.getByTestId('policy-min-gold').fill('1');
    await adminPage.getByTestId('policy-bonus').check();
    await adminPage.getByTestId('policy-bonus-accuracy').fill('100');
    await adminPage.getByTestId('policy-bonus-amount').fill('0.05');
    await adminPage.getByTestId('policy-save').click();
    await adminPage.getByText('Review policy saved.').waitFor();

    const form = adminPage.locator('[data-testid^="publish-batch-"]').filter({ hasText: 'Crowd batch one' });
    await form.getByTestId('publish-reward').fill('0.10');
    await form.getByTestId('publish-items-per-hit').fill('4');
    await form.getByTestId('publish-budget').fill('0.20');
    expect(await form.getByTestId('publish-submit').isDisabled()).toBe(true);
    await form.getByTestId('publish-estimate').click();
    // 4 items in 1 HIT × 3 assignments at $0.10 + the 20% fee ($0.02 each)
    await form.getByTestId('estimate-total').filter({ hasText: '$0.36' }).waitFor();
    expect(await form.getByTestId('estimate-fees').textContent()).toBe('$0.06');
    expect(await form.getByTestId('estimate-hits').textContent()).toBe('1');
    await form.getByTestId('publish-submit').click();
    await form.getByTestId('publish-error').filter({ hasText: 'over the budget of 0.20' }).waitFor();
    expect(emulator.state.hits.size).toBe(0);
    await form.getByTestId('publish-budget').fill('5.00');
    await form.getByTestId('publish-submit').click();
    await form.getByTestId('publish-outcome').filter({ hasText: 'Published 1 HIT (0 already published)' }).waitFor();
    await expect.poll(() => adminPage.getByTestId('crowd-hit-row').count()).toBe(1);
    const [hitId] = [...emulator.state.hits.keys()];
    expect(emulator.state.hits.get(hitId)!.externalUrl).toBe(`${app.url}/mturk`);

    const goodAssignment = await workOnHit(hitId, 'AGOODWORKER001', careful);
    const badAssignment = await workOnHit(hitId, 'ABADWORKER0001', careless);
    // A third worker submits on MTurk without our page ever storing answers: nothing to grade, so it is held.
    const odd = (await (
      await fetch(`${emulator.url}/_worker/accept`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ hitId, workerId: 'AODDWORKER0001' }),
      })
    ).json()) as { assignmentId: string };
    await fetch(`${emulator.url}/mturk/externalSubmit`, {
      method: 'POST',
      body: new URLSearchParams({ assignmentId: odd.assignmentId, curateToken: 'made-up' }),
    });

    await adminPage.getByTestId('crowd-sync').click();
    const synced = await adminPage.getByTestId('crowd-sync-result').textContent();
    expect(synced).toContain('3 assignments seen · 2 confirmed · 1 approved · 1 rejected · 1 held · 1 bonus paid');
    await adminPage.getByTestId('assignments-approved').filter({ hasText: '1' }).waitFor();
    expect(await adminPage.getByTestId('assignments-rejected').textContent()).toBe('1');
    expect(await adminPage.getByTestId('assignments-held').textContent()).toBe('1');
    // one approval ($0.10 + $0.02 fee) and its bonus ($0.05 + the $0.01 minimum fee)
    expect(await adminPage.getByTestId('cost-total').textContent()).toBe('$0.18');
    expect(await adminPage.getByTestId('crowd-worker-row').filter({ hasText: 'AGOODWORKER001' }).getByTestId('worker-bonus').textContent()).toBe(
      '$0.05',
    );
    expect(emulator.state.assignments.get(goodAssignment)!.status).toBe('Approved');
    expect(emulator.state.assignments.get(badAssignment)!.status).toBe('Rejected');
    expect(emulator.state.bonuses).toEqual([expect.objectContaining({ workerId: 'AGOODWORKER001', assignmentId: goodAssignment, amountCents: 5 })]);

    const heldRow = adminPage.getByTestId('held-assignment').filter({ hasText: 'AODDWORKER0001' });
    expect(await heldRow.getByTestId('held-reason').textContent()).toMatch(/No matching submission/);
    await heldRow.getByTestId('held-message').fill('No answers reached us for this assignment.');
    await heldRow.getByTestId('held-reject').click();
    await adminPage.getByTestId('held-empty').waitFor();
    await adminPage.getByTestId('assignments-rejected').filter({ hasText: '2' }).waitFor();
    expect(emulator.state.assignments.get(odd.assignmentId)!.status).toBe('Rejected');

    await adminPage.getByTestId('block-worker').selectOption('AODDWORKER0001');
    await adminPage.getByTestId('block-reason').fill('Submitted without doing the task');
    await adminPage.getByTestId('block-submit').click();
    await adminPage.getByTestId('crowd-worker-row').filter({ hasText: 'AODDWORKER0001' }).filter({ hasText: 'Blocked' }).waitFor();
    expect(emulator.state.blocks.has('AODDWORKER0001')).toBe(true);

    await form.getByTestId('publish-expire').click();
    await form.getByTestId('publish-outcome').filter({ hasText: 'Expired 1 HIT' }).waitFor();

    // Only the approved worker's judgments count, and they reach aggregation.
    const judgments = await rowsOf<{ worker_key: string; status: string }>(
      app.ctx.store.db,
      sql`select worker_key, status from judgments where project_id = ${projectId}`,
    );
    expect(judgments.filter((j) => j.status === 'final').map((j) => j.worker_key)).toEqual(Array(DOCUMENTS.length).fill('mturk:AGOODWORKER001'));
    expect(judgments.filter((j) => j.worker_key === 'mturk:ABADWORKER0001').every((j) => j.status === 'rejected')).toBe(true);
    await admin.post(`/api/projects/${projectId}/aggregate`).expect(200);
    const aggregated = await rowsOf<{ n: number }>(app.ctx.store.db, sql`select count(*)::int as n from aggregates where project_id = ${projectId}`);
    expect(aggregated[0].n).toBe(DOCUMENTS.length);

    await adminPage.screenshot({ path: '/tmp/curate-crowd.png', fullPage: true });
    expect(problems.flat()).toEqual([]);
  });
});

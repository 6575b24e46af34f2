import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, signInAt, watchProblems } from './support/browser.ts';
import { startServerWithClient } from './support/server.ts';
import { type TestApp } from '../support/test-app.ts';
import { buildBatch, buildDocuments, buildTokenClient } from '../support/factories.ts';
import { markItemForReview } from '../../server/db/queries/items.ts';
import { rowsOf } from '../../server/db/store.ts';

// A fresh install pointed at real MTurk: no AWS credentials anywhere this process looks (the server runs in it).
for (const name of [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
])
  delete process.env[name];
process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/aws-credentials';
process.env.AWS_CONFIG_FILE = '/nonexistent/aws-config';
process.env.AWS_EC2_METADATA_DISABLED = 'true';

const DOCUMENTS = 60;
/** Items sent to review by hand: more than one page of the queue (50). */
const QUEUED = 57;
const ARABIC = 'مرحبا بالعالم، هذه صفحة من الويب';
const HOSTILE = '<img src=x onerror="window.__pwned=1">';
const externalId = (i: number) => `doc-${String(i).padStart(2, '0')}`;

describe('documents, counts and empty states in the browser', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let projectId: number;
  let annotator: Awaited<ReturnType<typeof buildTokenClient>>;
  /** The queue's true size: the items sent by hand and any that aggregation sent for low confidence. */
  let queueSize: number;

  const itemIds = (id: number) => rowsOf<{ id: number }>(app.ctx.store.db, sql`select id::int as id from items where project_id = ${id} order by id`);

  beforeAll(async () => {
    app = await startServerWithClient({ MTURK_ENDPOINT: 'https://mturk-requester-sandbox.us-east-1.amazonaws.com' });
    projectId = (await app.buildProject({ name: 'Crawl documents' })).id;
    await buildDocuments(
      app,
      projectId,
      Array.from({ length: DOCUMENTS }, (_, i) => ({
        id: externalId(i),
        text: i === 7 ? `${ARABIC} ${HOSTILE}` : `Web page ${i}`,
        source: i % 2 ? 'web' : 'books',
        metadata: { url: `https://example.org/${i}`, topic: i % 10 === 0 ? 'science' : 'other' },
      })),
    );
    await buildBatch(app, projectId, { redundancy: 1 });
    annotator = await buildTokenClient(app);
    for (;;) {
      const { body } = await annotator.post(`/api/projects/${projectId}/tasks/lease`, { count: 10 }).expect(200);
      if (!body.tasks.length) break;
      for (const task of body.tasks) {
        const value = { score: Number((task.document.externalId as string).slice(4)) % 6 };
        await annotator
          .post(`/api/projects/${projectId}/judgments`, { clientId: randomUUID(), slotId: task.slotId, value, timeSpentMs: 3000 })
          .expect(201);
      }
    }
    // Aggregated now (so the debounced run after the judgments changes nothing later), then more items wait for
    // review than one page of the queue holds.
    await (await buildTokenClient(app, 'admin')).post(`/api/projects/${projectId}/aggregate`).expect(200);
    for (const { id } of (await itemIds(projectId)).slice(0, QUEUED)) await markItemForReview(app.ctx.store.db, id);
    [{ n: queueSize }] = await rowsOf<{ n: number }>(
      app.ctx.store.db,
      sql`select count(*)::int as n from items where project_id = ${projectId} and status in ('review', 'broken')`,
    );
    expect(queueSize).toBeGreaterThanOrEqual(QUEUED);

    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // The not-found page asks for a project that does not exist: the browser logs that 404, as it should.
    problems = watchProblems(page, [/status of 404/]);
    await signInAt(page, app.url, app.admin.email);
    await page.getByTestId('current-user').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  test('a document opens with its full text, metadata and judgments; text is text, read in its own direction', async () => {
    await page.goto(`${app.url}/projects/${projectId}`);
    const row = page.getByTestId('doc-row').filter({ hasText: externalId(7) });
    await row.click();
    const detail = page.getByTestId('doc-detail');
    await detail
      .getByTestId('doc-detail-id')
      .filter({ hasText: externalId(7) })
      .waitFor();
    const full = detail.getByTestId('doc-full');
    expect(await full.textContent()).toBe(`${ARABIC} ${HOSTILE}`);
    expect(await full.getAttribute('dir')).toBe('auto');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect((await detail.getByTestId('doc-meta').textContent())?.replace(/\s+/g, '')).toContain('metadata.urlhttps://example.org/7');
    expect(await detail.getByTestId('doc-item').count()).toBe(1);
    const [stored] = await rowsOf<{ status: string }>(
      app.ctx.store.db,
      sql`select i.status from items i join documents d on d.id = i.document_id where i.project_id = ${projectId} and d.external_id = ${externalId(7)}`,
    );
    expect(await detail.getByTestId('doc-item-status').textContent()).toBe(stored.status);
    expect(await detail.getByTestId('judged-by').textContent()).toBe(`u:${annotator.user.id}`);
    expect((await detail.getByTestId('review-judgment-value').textContent())?.replace(/\s+/g, ' ').trim()).toBe('Score 1');
    expect(await detail.getByTestId('judgment-status').textContent()).toBe('final');
    await detail.getByTestId('doc-detail-close').click();
    await expect.poll(() => page.getByTestId('doc-detail').count()).toBe(0);
  });

  test('a metadata filter narrows the list and the summary counts its matches', async () => {
    await page.goto(`${app.url}/projects/${projectId}`);
    await expect.poll(() => page.getByTestId('doc-row').count()).toBe(50);
    await page.getByTestId('docs-add-meta').click();
    await page.getByTestId('docs-meta-path').fill('metadata.topic');
    await page.getByTestId('docs-meta-value').fill('science');
    await page.getByTestId('docs-filter-source').fill('books');
    await page.getByTestId('docs-search-submit').click();
    // topic science: 0, 10, …, 50 (six documents), all even, so all from books.
    await expect.poll(() => page.getByTestId('doc-row').count()).toBe(6);
    expect(await page.getByTestId('docs-stats').textContent()).toBe(`6 of ${DOCUMENTS} documents match`);
    await page.getByTestId('docs-clear').click();
    await expect.poll(() => page.getByTestId('docs-stats').textContent()).toContain(`${DOCUMENTS} documents ·`);
  });

  test('the review page counts the whole queue and pages through it', async () => {
    await page.goto(`${app.url}/review/${projectId}`);
    await page
      .getByTestId('review-count')
      .filter({ hasText: String(queueSize) })
      .waitFor();
    expect(await page.getByTestId('review-count').textContent()).toBe(String(queueSize));
    expect(await page.getByTestId('review-queue-item').count()).toBe(50);
    expect(await page.getByTestId('review-range').textContent()).toContain(`1–50 of ${queueSize}`);
    await page.getByTestId('review-next').click();
    await expect.poll(() => page.getByTestId('review-queue-item').count()).toBe(queueSize - 50);
    expect(await page.getByTestId('review-range').textContent()).toContain(`51–${queueSize} of ${queueSize}`);
    await page.getByTestId('review-prev').click();
    await expect.poll(() => page.getByTestId('review-queue-item').count()).toBe(50);
  });

  test('the export page of a project with nothing labeled says what to do instead of offering empty files', async () => {
    const unlabeled = (await app.buildProject({ name: 'Not labeled yet' })).id;
    await buildDocuments(app, unlabeled, [{ id: 'lonely', text: 'Nobody has rated this yet' }]);
    await page.goto(`${app.url}/projects/${unlabeled}/export`);
    const empty = page.getByTestId('export-empty');
    await empty.waitFor();
    expect(await empty.textContent()).toMatch(/Nothing to export yet[\s\S]*Run aggregation/);
    expect(await page.getByTestId('export-format').count()).toBe(0);
  });

  test('a labeled and aggregated quality-rating project offers the export and the token budget', async () => {
    await page.goto(`${app.url}/projects/${projectId}/export`);
    await page.getByTestId('export-format').waitFor();
    await page.getByTestId('token-budget').getByTestId('model-size').waitFor();
    expect(await page.getByTestId('export-empty').count()).toBe(0);
  });

  test('a pairwise project filters without a token budget row', async () => {
    const pairwise = (await app.buildProject({ taskType: 'pairwise-preference', name: 'Preferences' })).id;
    const records = Array.from({ length: 3 }, (_, i) => ({ prompt: `Question ${i}`, response_a: `A${i}`, response_b: `B${i}` }));
    await buildDocuments(
      app,
      pairwise,
      records.map((fields, i) => ({ id: `pair-${i}`, text: JSON.stringify(fields) })),
    );
    await buildBatch(app, pairwise, { redundancy: 1 });
    const admin = await buildTokenClient(app, 'admin');
    // An adjudicated item has a final answer, so the project has something to export and filter.
    for (const { id } of await itemIds(pairwise))
      await admin.post(`/api/items/${id}/adjudicate`, { answer: { choice: 'A' }, promoteToGold: false }).expect(200);
    await page.goto(`${app.url}/projects/${pairwise}/export`);
    await page.getByTestId('filter-threshold').waitFor();
    // neither the row nor its model-size input, which a pairwise score gives no meaning
    expect(await page.getByTestId('token-budget').count()).toBe(0);
    expect(await page.getByTestId('model-size').count()).toBe(0);
    expect(await page.getByTestId('export-empty').count()).toBe(0);
  });

  test('the crowd page without AWS credentials shows a setup note, and no failed call', async () => {
    await page.goto(`${app.url}/projects/${projectId}/crowd`);
    const setup = page.getByTestId('crowd-setup');
    await setup.waitFor();
    expect(await setup.textContent()).toContain('AWS_ACCESS_KEY_ID');
    expect(await page.getByTestId('crowd-balance-error').count()).toBe(0);
  });

  test('a project that does not exist says so', async () => {
    await page.goto(`${app.url}/projects/9999`);
    await page.getByTestId('project-not-found').waitFor();
    expect(await page.getByTestId('project-not-found').textContent()).toBe('Project not found');
    expect(await page.getByTestId('docs-table').count()).toBe(0);
  });

  test('nothing went wrong on any page', () => {
    expect(problems).toEqual([]);
  });
});

import { describe, expect, test } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { BrowserContext, Page } from 'playwright-core';
import { signInAt, watchProblems } from './support/browser.ts';
import { useServerAndBrowser } from './support/session.ts';
import { buildBatch, buildDocuments } from '../support/factories.ts';
import { rowsOf } from '../../server/db/store.ts';
import { workerKeyOfUser } from '../../server/commands/worker-key.ts';
import type { User } from '../../server/db/schema.ts';
import { findProject } from '../../server/db/queries/projects.ts';
import { setGoldAnswers } from '../../server/commands/gold-and-review.ts';
import { updateProjectSettings } from '../../server/commands/manage-projects.ts';

/** Markup and script in every form a crawled page might carry, including attempts to loosen the page's CSP. */
const HOSTILE = [
  '<script>window.__pwned=1</script>',
  '<img src=x onerror="window.__pwned=1">',
  '<svg onload="window.__pwned=1">',
  '<a href="javascript:window.__pwned=1">x</a>',
  `<meta http-equiv="Content-Security-Policy" content="script-src 'unsafe-inline' *">`,
  '<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>',
].join('\n');

/** While offline, requests fail at the network layer; Chromium logs each as a console error. */
const OFFLINE_ERRORS = [/net::ERR_INTERNET_DISCONNECTED/];
/** The submit whose response the test cuts off. */
const LOST_RESPONSE_ERRORS = [/net::ERR_CONNECTION_RESET/];

describe('annotator labeling screen', () => {
  const e2e = useServerAndBrowser();

  /**
   * A quality-rating project (a digit scores and submits) with an open k=1 batch over `texts` (documents doc-0, doc-1…);
   * `prepare` runs between import and batch generation.
   */
  async function projectWith(texts: string[], prepare?: (projectId: number) => Promise<void>, batch: Record<string, unknown> = {}) {
    const project = await e2e.app.buildProject();
    await buildDocuments(
      e2e.app,
      project.id,
      texts.map((text, i) => ({ id: `doc-${i}`, text })),
    );
    await prepare?.(project.id);
    await buildBatch(e2e.app, project.id, { size: texts.length, redundancy: 1, ...batch });
    return project;
  }

  const ordinaryTexts = (n: number) => Array.from({ length: n }, (_, i) => `Ordinary document ${i}: ${randomUUID()}`);

  /** A fresh browser context (its own localStorage) signed in as a new annotator, on the project's labeling screen. */
  async function annotatorOn(projectId: number, viewport = { width: 1280, height: 900 }, expected: RegExp[] = []) {
    const user = await e2e.app.buildUser('annotator');
    const context = await e2e.browser.newContext({ viewport });
    const page = await context.newPage();
    const problems = watchProblems(page, expected);
    await signInAt(page, `${e2e.app.url}/annotate/${projectId}`, user.email);
    await page.getByTestId('task').waitFor();
    return { user, context, page, problems };
  }

  const slotOnScreen = (page: Page) => page.getByTestId('task').getAttribute('data-slot-id');

  /** Presses a key on the task shown and waits for the next task (or the empty state) to replace it. */
  async function answerWithKey(page: Page, key: string) {
    const before = await slotOnScreen(page);
    await page.keyboard.press(key);
    await page.waitForFunction((slot) => document.querySelector('[data-testid=task]')?.getAttribute('data-slot-id') !== slot, before);
    return Number(before);
  }

  async function outboxEmpty(page: Page) {
    await page.getByTestId('session-bar').waitFor();
    await page.getByTestId('pending-count').waitFor({ state: 'detached' });
  }

  async function labelsOf(user: User, projectId: number) {
    const [row] = await rowsOf<{ n: number; items: number }>(
      e2e.app.ctx.store.db,
      sql`select count(*)::int as n, count(distinct item_id)::int as items from judgments
          where project_id = ${projectId} and worker_key = ${workerKeyOfUser(user.id)} and kind = 'label' and status = 'final'`,
    );
    return row;
  }

  async function finish(context: BrowserContext, problems: string[]) {
    expect(problems).toEqual([]);
    await context.close();
  }

  test('labels five items by keyboard alone, with a reload half-way, and each is recorded exactly once', async () => {
    const project = await projectWith(ordinaryTexts(8));
    const { user, context, page, problems } = await annotatorOn(project.id);

    const answered = [await answerWithKey(page, '3'), await answerWithKey(page, '4')];
    // Reload at once: the second answer may still be in the outbox or in flight.
    await page.reload();
    await page.getByTestId('task').waitFor();
    for (const digit of ['1', '5', '2']) answered.push(await answerWithKey(page, digit));
    await outboxEmpty(page);

    expect(new Set(answered).size).toBe(5);
    expect(await labelsOf(user, project.id)).toEqual({ n: 5, items: 5 });
    expect(await page.getByTestId('session-count').textContent()).toContain('5 this session');
    expect(await page.getByTestId('total-count').textContent()).toContain('5 in total');

    // The projects list shows the annotator their own count and the way back to labeling.
    await page.getByRole('link', { name: 'Projects' }).click();
    const row = page.getByTestId('projects-table').locator('tr', { hasText: project.name });
    await expect.poll(() => row.getByTestId('labeled-by-me').textContent()).toBe('5');
    await row.getByTestId('label-link').click();
    await page.getByTestId('task').waitFor();
    await finish(context, problems);
  });

  test('an answer given offline waits in the outbox and is sent once when the connection returns', async () => {
    const project = await projectWith(ordinaryTexts(6));
    const { user, context, page, problems } = await annotatorOn(project.id, undefined, OFFLINE_ERRORS);

    await context.setOffline(true);
    await answerWithKey(page, '4');
    // The prefetched next task is already on screen; the answer is held and shown as pending.
    await page.getByTestId('pending-count').filter({ hasText: '1 waiting' }).waitFor();
    await page.getByTestId('offline').waitFor();
    expect(await labelsOf(user, project.id)).toEqual({ n: 0, items: 0 });

    await context.setOffline(false);
    await outboxEmpty(page);
    await page.getByTestId('offline').waitFor({ state: 'detached' });
    await answerWithKey(page, '2');
    await outboxEmpty(page);
    expect(await labelsOf(user, project.id)).toEqual({ n: 2, items: 2 });
    expect(await page.getByTestId('total-count').textContent()).toContain('2 in total');

    // Answered offline, then the tab is closed: the next visit sends what the outbox kept.
    await context.setOffline(true);
    await answerWithKey(page, '3');
    await page.getByTestId('pending-count').waitFor();
    await page.close();
    await context.setOffline(false);
    const next = await context.newPage();
    problems.push(...watchProblems(next));
    await next.goto(`${e2e.app.url}/annotate/${project.id}`);
    await next.getByTestId('task').waitFor();
    await outboxEmpty(next);
    expect(await labelsOf(user, project.id)).toEqual({ n: 3, items: 3 });
    // The count follows once the outbox and the lease calls have settled, in whichever order they finished.
    await next.getByTestId('total-count').filter({ hasText: '3 in total' }).waitFor();
    await finish(context, problems);
  });

  test('an answer whose response is lost is sent again and counted once', async () => {
    const project = await projectWith(ordinaryTexts(4));
    const { user, context, page, problems } = await annotatorOn(project.id, undefined, LOST_RESPONSE_ERRORS);

    // The first submit reaches the server, which records it, but the browser never sees the answer.
    let lost = 0;
    await page.route('**/api/projects/*/judgments', async (route) => {
      if (lost++ > 0) return route.continue();
      await route.fetch();
      await route.abort('connectionreset');
    });
    await answerWithKey(page, '4');
    await outboxEmpty(page);
    expect(lost).toBeGreaterThanOrEqual(2);
    expect(await labelsOf(user, project.id)).toEqual({ n: 1, items: 1 });
    expect(await page.getByTestId('total-count').textContent()).toContain('1 in total');
    await finish(context, problems);
  });

  test('a failing lease shows an error instead of "Loading tasks", and the tasks once the server answers again', async () => {
    const project = await projectWith(ordinaryTexts(2));
    await e2e.app.ctx.store.db.execute(sql`update projects set open_to_all = true where id = ${project.id}`);
    const user = await e2e.app.buildUser('annotator');
    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = watchProblems(page, [/status of 500/]);
    await page.route('**/api/projects/*/tasks/lease', (route) =>
      route.fulfill({
        status: 500,
        contentType: 'application/json',
        body: JSON.stringify({ error: { id: 'internal', message: 'Something went wrong on our side' } }),
      }),
    );
    await signInAt(page, `${e2e.app.url}/annotate/${project.id}`, user.email);
    await page.getByTestId('lease-error').filter({ hasText: 'Something went wrong on our side' }).waitFor();
    expect(await page.getByTestId('loading').count()).toBe(0);
    // Checked while every lease still fails: the error stays up, with its button, until one succeeds.
    await page.getByTestId('lease-error').getByRole('button', { name: 'Try again now' }).waitFor();

    await page.unroute('**/api/projects/*/tasks/lease');
    // The automatic retry may load the tasks before a click lands, taking the button away: click it in the page,
    // in one step, only if it is still there; either way the tasks must appear.
    await page.evaluate(() => document.querySelector<HTMLButtonElement>('[data-testid=lease-error] button')?.click());
    await page.getByTestId('task').waitFor();
    expect(await page.getByTestId('lease-error').count()).toBe(0);
    await finish(context, problems);
  });

  test('u undoes the last answer, s skips with a reason, f flags for review', async () => {
    const project = await projectWith(ordinaryTexts(6));
    const { user, context, page, problems } = await annotatorOn(project.id);

    const first = await answerWithKey(page, '2');
    await outboxEmpty(page);
    await page.keyboard.press('u');
    await page.getByTestId('undone-note').waitFor();
    expect(Number(await slotOnScreen(page))).toBe(first);
    // In words, as the review page shows answers, not as the JSON sent.
    expect(await page.getByTestId('undone-note').textContent()).toMatch(/You had answered:\s+Score 2/);
    expect(await labelsOf(user, project.id)).toEqual({ n: 0, items: 0 });
    expect(await page.getByTestId('session-count').textContent()).toContain('0 this session');

    expect(await answerWithKey(page, '5')).toBe(first);

    await page.keyboard.press('?');
    await page.getByTestId('shortcuts-dialog').waitFor();
    expect(await page.getByTestId('shortcuts-dialog').textContent()).toContain('Score educational value and submit');
    await page.keyboard.press('Escape');
    await page.getByTestId('shortcuts-dialog').waitFor({ state: 'detached' });

    await page.keyboard.press('s');
    await page.getByTestId('skip-dialog').waitFor();
    const skipped = Number(await slotOnScreen(page));
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.getByTestId('skip-dialog').waitFor({ state: 'detached' });
    await page.waitForFunction((slot) => document.querySelector('[data-testid=task]')?.getAttribute('data-slot-id') !== String(slot), skipped);

    await page.keyboard.press('f');
    await page.getByTestId('flag-dialog').waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.getByTestId('flag-dialog').waitFor({ state: 'detached' });
    await outboxEmpty(page);

    const rows = await rowsOf<{ kind: string; status: string; value: unknown; skip_reason: string | null }>(
      e2e.app.ctx.store.db,
      sql`select kind, status, value, skip_reason from judgments where project_id = ${project.id} and worker_key = ${workerKeyOfUser(user.id)} order by id`,
    );
    expect(rows.map((r) => [r.kind, r.status, r.kind === 'label' ? r.value : r.skip_reason])).toEqual([
      ['label', 'undone', { score: 2 }],
      ['label', 'final', { score: 5 }],
      ['skip', 'final', 'expertise'],
      ['skip', 'final', 'flag:harmful'],
    ]);
    const flags = await rowsOf<{ reason: string }>(e2e.app.ctx.store.db, sql`select reason from flags where user_id = ${user.id}`);
    expect(flags).toEqual([{ reason: 'harmful' }]);
    await finish(context, problems);
  });

  test('training mode: an answer to a gold item shows how it compared', async () => {
    const project = await projectWith(
      ['Gold document', 'Plain document'].map((t) => `${t} ${randomUUID()}`),
      async (projectId) => {
        await setGoldAnswers(e2e.app.ctx, {
          project: (await findProject(e2e.app.ctx.store.db, projectId))!,
          user: e2e.app.admin,
          answers: [{ externalId: 'doc-0', answer: { score: 4 } }],
        });
        await updateProjectSettings(e2e.app.ctx, { actorId: e2e.app.admin.id, projectId, changes: { trainingMode: true } });
      },
      { goldRate: 0.5, size: 1 },
    );
    const { context, page, problems } = await annotatorOn(project.id);
    await page.getByTestId('training-mode').waitFor();

    const goldSlots = await rowsOf<{ id: number }>(
      e2e.app.ctx.store.db,
      sql`select s.id from slots s join items i on i.id = s.item_id where i.project_id = ${project.id} and i.is_gold`,
    );
    expect(goldSlots).toHaveLength(1);
    let gradedGold = false;
    for (let i = 0; i < 2; i++) {
      const slot = await answerWithKey(page, '2');
      await outboxEmpty(page);
      const feedback = page.getByTestId('feedback');
      if (slot === Number(goldSlots[0].id)) {
        await feedback.waitFor();
        expect(await feedback.textContent()).toContain('Expected: {"score":4}');
        gradedGold = true;
      } else {
        expect(await feedback.count()).toBe(0);
      }
    }
    expect(gradedGold).toBe(true);
    await finish(context, problems);
  });

  test('a hostile document shows as literal text and runs nothing', async () => {
    const project = await projectWith([HOSTILE]);
    const { context, page, problems } = await annotatorOn(project.id);

    const text = await page.getByTestId('doc-text').textContent();
    expect(text).toBe(HOSTILE);
    expect(text).toContain('<script>');
    expect(await page.locator('[data-testid=task] script, [data-testid=task] img, [data-testid=task] iframe, [data-testid=task] svg').count()).toBe(
      0,
    );
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

    await answerWithKey(page, '0');
    await page.getByTestId('empty-state').waitFor();
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await finish(context, problems);
  });

  test('works at 360 px: the controls are visible, and a newly opened batch refreshes the empty screen', async () => {
    const project = await projectWith(ordinaryTexts(1));
    const { context, page, problems } = await annotatorOn(project.id, { width: 360, height: 740 });

    for (const id of ['score-0', 'score-5', 'skip', 'undo']) {
      const control = page.getByTestId(id);
      await control.scrollIntoViewIfNeeded();
      const box = await control.boundingBox();
      expect(box, id).not.toBeNull();
      expect(box!.x, id).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width, id).toBeLessThanOrEqual(360);
    }
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);

    await page.getByTestId('score-3').click();
    await page.getByTestId('empty-state').waitFor();
    await buildDocuments(e2e.app, project.id, [{ id: 'late', text: 'A document that arrived later.' }]);
    await buildBatch(e2e.app, project.id, { name: 'second', size: 1, redundancy: 1 });
    await page.getByTestId('task').waitFor();
    expect(await page.getByTestId('doc-text').textContent()).toBe('A document that arrived later.');
    await finish(context, problems);
  });
});

import { describe, expect, test } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { signInAt, watchProblems } from './support/browser.ts';
import { useServerAndBrowser } from './support/session.ts';
import { buildBatch, buildDocuments } from '../support/factories.ts';
import { rowsOf } from '../../server/db/store.ts';
import { workerKeyOfUser } from '../../server/commands/worker-key.ts';

/** What the test adds to every API call: a slow link, as from a distant office (issue 13, point 5). */
const ROUND_TRIP_MS = 300;
/** A quick annotator's pace: one label every quarter second. */
const PACE_MS = 250;
const LABELS = 30;

declare global {
  interface Window {
    /** How often the loading state was put on screen since the watch began. */
    __loadingShown?: number;
  }
}

/**
 * Counts every insertion of the loading state into the page. Each added node is looked at, not the page after the
 * fact, so a state shown and removed between two checks is still counted.
 */
function watchLoadingState(): void {
  window.__loadingShown = 0;
  const isLoading = (node: Node) =>
    node instanceof Element && (node.matches('[data-testid=loading]') || node.querySelector('[data-testid=loading]') !== null);
  new MutationObserver((records) => {
    for (const record of records) for (const node of record.addedNodes) if (isLoading(node)) window.__loadingShown! += 1;
  }).observe(document.body, { childList: true, subtree: true });
}

describe('labeling at pace over a slow link', () => {
  const e2e = useServerAndBrowser();

  test(`at ${ROUND_TRIP_MS} ms round trip and a label per ${PACE_MS} ms, no task is waited for after the first`, async () => {
    const project = await e2e.app.buildProject();
    await buildDocuments(
      e2e.app,
      project.id,
      Array.from({ length: LABELS + 10 }, (_, i) => ({ id: `doc-${i}`, text: `Document ${i}: ${randomUUID()}` })),
    );
    await buildBatch(e2e.app, project.id, { size: LABELS + 10, redundancy: 1 });
    const user = await e2e.app.buildUser('annotator');
    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.route('**/api/**', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, ROUND_TRIP_MS));
      await route.continue();
    });
    await signInAt(page, `${e2e.app.url}/annotate/${project.id}`, user.email);
    await page.getByTestId('task').waitFor();
    await page.evaluate(watchLoadingState);

    const answered = new Set<string>();
    for (let i = 0; i < LABELS; i++) {
      const slot = await page.getByTestId('task').getAttribute('data-slot-id');
      answered.add(slot!);
      await page.keyboard.press(String(1 + (i % 5)));
      if (i < LABELS - 1) {
        await page.waitForFunction((before) => {
          const shown = document.querySelector('[data-testid=task]')?.getAttribute('data-slot-id');
          return shown !== undefined && shown !== before;
        }, slot);
      }
      await page.waitForTimeout(PACE_MS);
    }
    await page.getByTestId('pending-count').waitFor({ state: 'detached' });

    expect(await page.evaluate(() => window.__loadingShown)).toBe(0);
    expect(answered.size).toBe(LABELS);
    const [row] = await rowsOf<{ n: number }>(
      e2e.app.ctx.store.db,
      sql`select count(*)::int as n from judgments where project_id = ${project.id} and worker_key = ${workerKeyOfUser(user.id)} and kind = 'label' and status = 'final'`,
    );
    expect(row.n).toBe(LABELS);
    expect(await page.getByTestId('total-count').textContent()).toContain(`${LABELS} in total`);
    expect(problems).toEqual([]);
    await context.close();
  });
});

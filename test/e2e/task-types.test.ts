import { describe, expect, test } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { signInAt, watchProblems } from './support/browser.ts';
import { useServerAndBrowser } from './support/session.ts';
import { buildBatch, buildDocuments } from '../support/factories.ts';
import { rowsOf } from '../../server/db/store.ts';
import { workerKeyOfUser } from '../../server/commands/worker-key.ts';
import type { User } from '../../server/db/schema.ts';

/** Synthetic review and pairwise preference, labeled by keyboard in the browser, with the values the server stored. */
describe('task types in the labeling screen', () => {
  const e2e = useServerAndBrowser();

  /** A project of the task type whose documents carry their fields as JSON text, with an open k=1 batch (seeded). */
  async function projectOf(taskType: string, records: Record<string, string>[]) {
    const project = await e2e.app.buildProject({ taskType });
    await buildDocuments(
      e2e.app,
      project.id,
      records.map((fields, i) => ({ id: `doc-${i}`, text: JSON.stringify(fields) })),
    );
    await buildBatch(e2e.app, project.id, { size: records.length, redundancy: 1, seed: 7 });
    return project;
  }

  async function annotatorOn(projectId: number) {
    const user = await e2e.app.buildUser('annotator');
    const page = await e2e.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watchProblems(page);
    await signInAt(page, `${e2e.app.url}/annotate/${projectId}`, user.email);
    await page.getByTestId('task').waitFor();
    return { user, page, problems };
  }

  /** Runs the keys on the task shown, then waits for the next task (or the empty state) to replace it. */
  async function answer(page: Page, keys: () => Promise<void>) {
    const before = await page.getByTestId('task').getAttribute('data-slot-id');
    await keys();
    await page.waitForFunction((slot) => document.querySelector('[data-testid=task]')?.getAttribute('data-slot-id') !== slot, before);
    return Number(before);
  }

  /** The annotator's stored labels by slot, once the outbox has delivered them all. */
  async function labelsBySlot(user: User, projectId: number, expected: number) {
    const read = () =>
      rowsOf<{ slot_id: number; value: Record<string, unknown>; swapped: boolean }>(
        e2e.app.ctx.store.db,
        sql`select j.slot_id, j.value, s.swapped from judgments j join slots s on s.id = j.slot_id
            where j.project_id = ${projectId} and j.worker_key = ${workerKeyOfUser(user.id)} and j.kind = 'label' and j.status = 'final'`,
      );
    await expect.poll(async () => (await read()).length).toBe(expected);
    return new Map((await read()).map((r) => [Number(r.slot_id), r]));
  }

  test('synthetic review: accept with a, reject with r and tag digits, edit with e and a corrected text', async () => {
    const project = await projectOf('synthetic-review', [
      { prompt: 'Add 2 and 2.', response: 'The answer is 4.' },
      { prompt: 'Name the capital of France.', response: 'The capital of France is Lyon.' },
      { prompt: 'Spell "necessary".', response: 'It is spelled neccessary.' },
    ]);
    const { user, page, problems } = await annotatorOn(project.id);

    const shown: Record<string, number> = {};
    for (let i = 0; i < 3; i++) {
      const response = (await page.getByTestId('response-text').textContent()) ?? '';
      if (response.includes('4.')) {
        shown.accept = await answer(page, () => page.keyboard.press('a'));
      } else if (response.includes('Lyon')) {
        shown.reject = await answer(page, async () => {
          await page.keyboard.press('r');
          await page.keyboard.press('1');
          await page.keyboard.press('Enter');
        });
      } else {
        shown.edit = await answer(page, async () => {
          await page.keyboard.press('e');
          await page.getByTestId('corrected-text').press('ControlOrMeta+a');
          await page.keyboard.type('It is spelled necessary.');
          await page.keyboard.press('ControlOrMeta+Enter');
        });
      }
    }

    const labels = await labelsBySlot(user, project.id, 3);
    expect(labels.get(shown.accept)!.value).toMatchObject({ decision: 'accept', tags: [] });
    expect(labels.get(shown.reject)!.value).toMatchObject({ decision: 'reject', tags: [expect.any(String)] });
    expect(labels.get(shown.edit)!.value).toMatchObject({ decision: 'needs-edit', correctedText: 'It is spelled necessary.' });
    expect(problems).toEqual([]);
    await page.close();
  });

  test('pairwise preference: 1 and 2 pick the side on screen, 0 is a tie; the stored choice follows the shown order', async () => {
    const records = Array.from({ length: 6 }, (_, i) => ({ prompt: `Question ${i}`, response_a: `Answer A${i}`, response_b: `Answer B${i}` }));
    const project = await projectOf('pairwise-preference', records);
    const { user, page, problems } = await annotatorOn(project.id);

    const leftShown = new Map<number, string>();
    const keys = ['1', '2', '1', '2', '1', '0'];
    for (const key of keys) {
      const left = (await page.getByTestId('response-left').textContent()) ?? '';
      const slot = await answer(page, () => page.keyboard.press(key));
      leftShown.set(slot, left.includes('Answer A') ? 'A' : 'B');
    }

    const labels = await labelsBySlot(user, project.id, keys.length);
    const slots = [...leftShown.keys()];
    // The seeded batch shows both orders, so both branches of the mapping are exercised.
    expect(new Set(slots.map((slot) => labels.get(slot)!.swapped))).toEqual(new Set([true, false]));
    slots.forEach((slot, i) => {
      const { value, swapped } = labels.get(slot)!;
      // The screen showed A on the left exactly when the slot was not swapped, and the choice names the content.
      expect(leftShown.get(slot)).toBe(swapped ? 'B' : 'A');
      const picked = keys[i] === '0' ? 'tie' : keys[i] === '1' ? leftShown.get(slot) : leftShown.get(slot) === 'A' ? 'B' : 'A';
      expect(value.choice).toBe(picked);
    });
    expect(problems).toEqual([]);
    await page.close();
  });
});

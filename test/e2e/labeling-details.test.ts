import { describe, expect, test } from 'vitest';
import { sql } from 'drizzle-orm';
import { signInAt, watchProblems } from './support/browser.ts';
import { useServerAndBrowser } from './support/session.ts';
import { buildBatch, buildDocuments } from '../support/factories.ts';
import { rowsOf } from '../../server/db/store.ts';
import { workerKeyOfUser } from '../../server/commands/worker-key.ts';

/** The smaller points of issue 13, point 5, on the labeling screen. */
describe('labeling screen details', () => {
  const e2e = useServerAndBrowser();

  async function annotatorOn(projectId: number, viewport: { width: number; height: number }) {
    const user = await e2e.app.buildUser('annotator');
    const page = await e2e.browser.newPage({ viewport });
    const problems = watchProblems(page);
    await signInAt(page, `${e2e.app.url}/annotate/${projectId}`, user.email);
    await page.getByTestId('task').waitFor();
    return { user, page, problems };
  }

  test('pairwise on a phone: the stacked panels are A and B, Escape leaves the reason box, Ctrl+Enter submits', async () => {
    const project = await e2e.app.buildProject({ taskType: 'pairwise-preference', config: { reason: 'required' } });
    const records = [{ prompt: 'Which is right?', response_a: 'Answer one', response_b: 'Answer two' }];
    await buildDocuments(
      e2e.app,
      project.id,
      records.map((fields, i) => ({ id: `doc-${i}`, text: JSON.stringify(fields) })),
    );
    await buildBatch(e2e.app, project.id, { size: 1, redundancy: 1 });
    const { user, page, problems } = await annotatorOn(project.id, { width: 360, height: 740 });

    const panels = page.getByTestId('task').locator('section.text-panel h3');
    expect(await panels.allTextContents()).toEqual(['Prompt', 'A', 'B']);
    expect(await page.getByTestId('choice-left').textContent()).toContain('A is better');
    expect(await page.getByTestId('choice-right').textContent()).toContain('B is better');

    const reason = page.getByTestId('reason');
    await reason.click();
    await page.keyboard.type('The second one cites 2 sources');
    await page.keyboard.press('Escape');
    expect(await page.evaluate(() => document.activeElement?.tagName)).not.toBe('TEXTAREA');
    // Out of the box, the digit chooses again instead of being typed.
    await page.keyboard.press('2');
    await expect.poll(() => page.getByTestId('choice-right').getAttribute('aria-pressed')).toBe('true');
    expect(await reason.inputValue()).toBe('The second one cites 2 sources');

    await reason.click();
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('empty-state').waitFor();
    const [row] = await rowsOf<{ value: { screenChoice: string; reason: string } }>(
      e2e.app.ctx.store.db,
      sql`select value from judgments where project_id = ${project.id} and worker_key = ${workerKeyOfUser(user.id)}`,
    );
    expect(row.value).toMatchObject({ screenChoice: 'right', reason: 'The second one cites 2 sources' });
    expect(problems).toEqual([]);
    await page.close();
  });

  test('a long right-to-left document reads right to left and shows a cue while more of it lies below', async () => {
    const project = await e2e.app.buildProject();
    const arabic = Array.from({ length: 200 }, (_, i) => `هذا سطر رقم ${i} من وثيقة طويلة.`).join('\n');
    await buildDocuments(e2e.app, project.id, [{ id: 'rtl', text: arabic }]);
    await buildBatch(e2e.app, project.id, { size: 1, redundancy: 1 });
    const { page, problems } = await annotatorOn(project.id, { width: 1280, height: 900 });

    const text = page.getByTestId('doc-text');
    expect(await text.getAttribute('dir')).toBe('auto');
    expect(await text.evaluate((element) => getComputedStyle(element).direction)).toBe('rtl');
    const cue = page.getByTestId('doc-text-more');
    await cue.waitFor();
    await text.evaluate((element) => element.scrollTo({ top: element.scrollHeight }));
    await cue.waitFor({ state: 'detached' });
    expect(problems).toEqual([]);
    await page.close();
  });
});

import { describe, expect, test } from 'vitest';
import { randomUUID } from 'node:crypto';
import { signInAt, watchProblems } from './support/browser.ts';
import { useServerAndBrowser } from './support/session.ts';
import { buildBatch, buildDocuments, buildTokenClient, labelAll } from '../support/factories.ts';

const e2e = useServerAndBrowser();

describe('archive and delete', () => {
  test('deleting a labeled batch asks, names its judgments and archives it instead; an empty one is deleted', async () => {
    const project = await e2e.app.buildProject();
    await buildDocuments(e2e.app, project.id, [
      { id: 'doc-1', text: `labeled ${randomUUID()}` },
      { id: 'doc-2', text: `unlabeled ${randomUUID()}` },
    ]);
    await buildBatch(e2e.app, project.id, { name: 'labeled', size: 1, redundancy: 1 });
    await labelAll(await buildTokenClient(e2e.app), project.id, () => ({ score: 4 }));
    await buildBatch(e2e.app, project.id, { name: 'empty', size: 1, redundancy: 1 }, false);

    const page = await e2e.browser.newPage();
    // The refused delete is a 409 the dialog answers; the browser logs the failed request all the same.
    const problems = watchProblems(page, [/409/]);
    await signInAt(page, `${e2e.app.url}/projects/${project.id}/batches`, e2e.app.admin.email);
    const row = (name: string) => page.getByTestId('batch-row').filter({ hasText: name });

    await row('labeled').getByTestId('batch-delete').click();
    await page.getByTestId('delete-confirm').click();
    expect(await page.getByTestId('delete-refusal').textContent()).toMatch(/1 judgment/);
    await page.getByTestId('delete-archive-instead').click();
    await row('labeled').waitFor({ state: 'detached' });

    await row('empty').getByTestId('batch-delete').click();
    await page.getByTestId('delete-confirm').click();
    await row('empty').waitFor({ state: 'detached' });
    expect(problems).toEqual([]);
    await page.close();
  });

  test('archives a project from its settings and restores it', async () => {
    const project = await e2e.app.buildProject();
    const page = await e2e.browser.newPage();
    const problems = watchProblems(page);
    await signInAt(page, `${e2e.app.url}/projects/${project.id}`, e2e.app.admin.email);
    await page.getByText('Project settings').click();
    await page.getByTestId('project-archive').click();
    await page.getByTestId('archive-confirm').click();
    await page.getByTestId('project-removal').filter({ hasText: 'Archived: hidden from annotators' }).waitFor();
    expect(await page.getByTestId('settings-save').isDisabled()).toBe(true);
    await page.getByTestId('project-restore').click();
    await page.getByTestId('project-archive').waitFor();
    expect(problems).toEqual([]);
    await page.close();
  });
});

import { describe, expect, test } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { signInAt, watchProblems } from './support/browser.ts';
import { useServerAndBrowser } from './support/session.ts';
import { buildBatch, buildDocuments, buildTokenClient } from '../support/factories.ts';

const e2e = useServerAndBrowser();

describe('batches page', () => {
  test('shows an item withdrawn as broken apart from complete and open ones (issue 12, finding 4)', async () => {
    const project = await e2e.app.buildProject({ taskType: 'synthetic-review' });
    const { db } = e2e.app.ctx.store;
    await db.execute(sql`update projects set open_to_all = true where id = ${project.id}`);
    await buildDocuments(e2e.app, project.id, [{ id: 'ok', text: `fine ${randomUUID()}`, prompt: 'a prompt' }]);
    await db.execute(sql`insert into documents (project_id, external_id, content_hash, text, meta, token_estimate)
                         values (${project.id}, 'bad', ${randomUUID()}, 'no prompt here', '{}'::jsonb, 5)`);
    await buildBatch(e2e.app, project.id, { redundancy: 1 });
    const annotator = await buildTokenClient(e2e.app);
    await annotator.post(`/api/projects/${project.id}/tasks/lease`, { count: 2 }).expect(200);

    const page = await e2e.browser.newPage();
    const problems = watchProblems(page);
    await signInAt(page, `${e2e.app.url}/projects/${project.id}/batches`, e2e.app.admin.email);
    await expect.poll(() => page.getByTestId('items-broken').textContent()).toContain('1 broken');
    expect(await page.getByTestId('batch-progress').textContent()).toContain('0/2 items complete');
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('export page', () => {
  test('says how many rows the export left out because their document cannot be shown', async () => {
    const project = await e2e.app.buildProject({ taskType: 'synthetic-review' });
    const { db } = e2e.app.ctx.store;
    await db.execute(sql`update projects set open_to_all = true where id = ${project.id}`);
    await buildDocuments(e2e.app, project.id, [
      { id: 'a', text: `response a ${randomUUID()}`, prompt: 'prompt a' },
      { id: 'b', text: `response b ${randomUUID()}`, prompt: 'prompt b' },
    ]);
    await buildBatch(e2e.app, project.id, { redundancy: 1 });
    const annotator = await buildTokenClient(e2e.app);
    for (const task of (await annotator.post(`/api/projects/${project.id}/tasks/lease`, { count: 2 }).expect(200)).body.tasks as {
      slotId: number;
    }[]) {
      const value = { decision: 'needs-edit', tags: [], correctedText: 'a better response' };
      await annotator.post(`/api/projects/${project.id}/judgments`, { clientId: randomUUID(), slotId: task.slotId, value }).expect(201);
    }
    await (await buildTokenClient(e2e.app, 'admin')).post(`/api/projects/${project.id}/aggregate`).expect(200);
    // Its prompt gone since it was labeled and aggregated.
    await db.execute(sql`update documents set meta = '{}'::jsonb where project_id = ${project.id} and external_id = 'b'`);

    const page = await e2e.browser.newPage({ acceptDownloads: true });
    const problems = watchProblems(page);
    await signInAt(page, `${e2e.app.url}/projects/${project.id}/export`, e2e.app.admin.email);
    await page.getByTestId('export-matching').filter({ hasText: '2 rows match' }).waitFor();
    await Promise.all([page.waitForEvent('download'), page.getByTestId('export-download').click()]);
    await page.getByTestId('export-progress-text').filter({ hasText: '100%' }).waitFor();
    expect(await page.getByTestId('export-progress-text').textContent()).toContain('1 of 2 rows');
    // innerText: what the page shows, with the markup's line breaks folded as the browser renders them.
    expect(await page.getByTestId('export-skipped').innerText()).toMatch(/1 row left out: its document cannot be shown/);
    expect(problems).toEqual([]);
    await page.close();
  });
});

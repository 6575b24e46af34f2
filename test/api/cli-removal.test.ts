import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { buildBatch, buildDocuments, buildTokenClient, labelAll } from '../support/factories.ts';
import { runCli } from '../support/run-cli.ts';
import { rowsOf } from '../../server/db/store.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const curate = (args: string[]) => runCli(t, args);

describe('curate projects|batches archive|delete', () => {
  it('archives and restores a project by name, and deletes an unlabeled one only with --yes', async () => {
    const project = await t.buildProject({ name: 'cli-removal' });
    await buildDocuments(t, project.id, [{ id: 'a', text: 'one' }]);
    expect((await curate(['projects', 'archive', '--project', 'cli-removal'])).stdout).toMatch(/"cli-removal": archived/);
    expect((await curate(['projects', 'list'])).stdout).not.toMatch(/cli-removal/);
    expect((await curate(['projects', 'list', '--archived'])).stdout).toMatch(/cli-removal\t.*\tyes/);
    expect((await curate(['projects', 'archive', '--project', 'cli-removal', '--restore'])).stdout).toMatch(/restored/);

    const unconfirmed = await curate(['projects', 'delete', '--project', 'cli-removal']);
    expect(unconfirmed).toMatchObject({ code: 2, stderr: expect.stringMatching(/--yes/) });
    const deleted = await curate(['projects', 'delete', '--project', 'cli-removal', '--yes']);
    expect(deleted.stdout).toMatch(/deleted \(0 items, 0 batches, 1 documents\)/);
    expect(await rowsOf(t.ctx.store.db, sql`select 1 from projects where id = ${project.id}`)).toEqual([]);
  });

  it('refuses to delete a labeled batch, naming its judgments, and archives it with --archive-if-labeled', async () => {
    const project = await t.buildProject();
    await buildDocuments(t, project.id, [{ id: 'doc-1', text: 'labeled' }]);
    const { batch } = await buildBatch(t, project.id, { size: 1, redundancy: 1 });
    await labelAll(await buildTokenClient(t), project.id, () => ({ score: 3 }));
    const refused = await curate(['batches', 'delete', '--batch', String(batch.id), '--yes']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/1 judgment.*archive/);
    const archived = await curate(['batches', 'delete', '--batch', String(batch.id), '--yes', '--archive-if-labeled']);
    expect(archived.stdout).toMatch(/archived instead of deleted/);
    expect((await curate(['batches', 'archive', '--batch', String(batch.id), '--restore'])).stdout).toMatch(/restored/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../server/db/store.ts';
import { findProject } from '../../server/db/queries/projects.ts';
import { findBatch } from '../../server/db/queries/batches.ts';
import { updateProjectSettings } from '../../server/commands/manage-projects.ts';
import { openBatch } from '../../server/commands/manage-batches.ts';
import { importCorpus } from '../../server/commands/import-corpus.ts';
import { Readable } from 'node:stream';
import type { DomainEvent } from '../../server/events.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { buildBatch, buildDocuments } from '../support/factories.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

/** An actor id no user has: the audit entry's foreign key refuses it, after the change itself was written. */
const NO_SUCH_ACTOR = 2_000_000_000;

const auditOf = (target: string) =>
  rowsOf<{ action: string }>(t.ctx.store.db, sql`select action from audit_log where target = ${target} order by id`);

describe('one shape for commands', () => {
  it('keeps both of two settings updates made at once to different sections', async () => {
    const project = await t.buildProject();
    const admin = await t.signIn(t.admin);
    const overHttp = (settings: object) =>
      admin.agent.patch(`/api/projects/${project.id}`).set('X-CSRF-Token', admin.csrf).send({ settings }).expect(200);
    const direct = (settings: Record<string, unknown>) =>
      updateProjectSettings(t.ctx, { actorId: t.admin.id, projectId: project.id, changes: { settings } });
    for (const [round, update] of [overHttp, direct, overHttp, direct].entries()) {
      const threshold = 0.5 + round / 100;
      const passMark = 0.6 + round / 100;
      await Promise.all([update({ aggregation: { reviewBelowConfidence: threshold } }), update({ crowd: { qualificationPassMark: passMark } })]);
      const settings = (await findProject(t.ctx.store.db, project.id)).settings as {
        aggregation?: { reviewBelowConfidence: number };
        crowd?: { qualificationPassMark: number };
      };
      expect({ threshold: settings.aggregation?.reviewBelowConfidence, passMark: settings.crowd?.qualificationPassMark }).toEqual({
        threshold,
        passMark,
      });
    }
  });

  it('replaces only the sections an update names', async () => {
    const project = await t.buildProject();
    await updateProjectSettings(t.ctx, { actorId: t.admin.id, projectId: project.id, changes: { settings: { aggregation: { method: 'ds' } } } });
    await updateProjectSettings(t.ctx, {
      actorId: t.admin.id,
      projectId: project.id,
      changes: { settings: { crowd: { minGold: 2 } }, description: 'second' },
    });
    const stored = await findProject(t.ctx.store.db, project.id);
    expect(stored).toMatchObject({ description: 'second', settings: { aggregation: { method: 'ds' }, crowd: { minGold: 2 } } });
  });

  it('writes a settings change and its audit entry together, or neither', async () => {
    const project = await t.buildProject({ name: `audited ${randomUUID()}` });
    await expect(
      updateProjectSettings(t.ctx, {
        actorId: NO_SUCH_ACTOR,
        projectId: project.id,
        changes: { description: 'unaudited', settings: { crowd: { minGold: 3 } } },
      }),
    ).rejects.toThrow();
    expect(await findProject(t.ctx.store.db, project.id)).toMatchObject({ description: '', settings: {} });

    await updateProjectSettings(t.ctx, { actorId: t.admin.id, projectId: project.id, changes: { description: 'audited' } });
    expect(await auditOf(`project:${project.id}`)).toEqual([{ action: 'project.create' }, { action: 'project.update' }]);
  });

  it('leaves a batch closed and announces nothing when opening it cannot be audited', async () => {
    const project = await t.buildProject();
    await buildDocuments(t, project.id, [{ id: 'a', text: `text ${randomUUID()}` }]);
    const { batch } = await buildBatch(t, project.id, { redundancy: 1 }, false);
    const heard: DomainEvent[] = [];
    const unsubscribe = t.ctx.events.subscribe((event) => heard.push(event));
    await expect(openBatch(t.ctx, { actorId: NO_SUCH_ACTOR, batchId: batch.id })).rejects.toThrow();
    unsubscribe();
    expect((await findBatch(t.ctx.store.db, batch.id))?.status).toBe('draft');
    expect(heard).toEqual([]);
    expect(await auditOf(`batch:${batch.id}`)).toEqual([{ action: 'batch.create' }]);
  });

  it("announces an import's outcome from the command, wherever it was started, after its rows committed", async () => {
    const project = await t.buildProject();
    const heard: DomainEvent[] = [];
    const unsubscribe = t.ctx.events.subscribe((event) => heard.push(event));
    const run = (body: string) =>
      importCorpus(t.ctx, {
        projectId: project.id,
        userId: t.admin.id,
        options: { filename: 'direct.jsonl', textField: 'text', idField: 'id', maxErrors: 0 },
        input: Readable.from([Buffer.from(body)]),
        maxDocumentBytes: 1_000_000,
      });
    const good = await run(JSON.stringify({ id: 'a', text: `direct ${randomUUID()}` }));
    const bad = await run('{"id": "b", "text": ');
    unsubscribe();
    const done = heard.filter((event) => event.name === 'import:done');
    expect(done).toEqual([
      {
        name: 'import:done',
        payload: { importId: good.importId, projectId: project.id, status: 'succeeded', message: good.message },
        to: { projectId: project.id },
      },
      {
        name: 'import:done',
        payload: { importId: bad.importId, projectId: project.id, status: 'failed', message: bad.message },
        to: { projectId: project.id },
      },
    ]);
    expect(heard.some((event) => event.name === 'import:progress' && event.payload.importId === good.importId)).toBe(true);
    expect(await auditOf(`project:${project.id}`)).toEqual([
      { action: 'project.create' },
      { action: 'import.succeeded' },
      { action: 'import.failed' },
    ]);
  });
});

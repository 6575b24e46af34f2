import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { buildBatch, buildDocuments, buildTokenClient } from '../support/factories.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe("an annotator's own label count", () => {
  it('counts final labels of the asker only, not undone ones, skips or other annotators', async () => {
    const project = await t.buildProject();
    await buildDocuments(
      t,
      project.id,
      Array.from({ length: 4 }, (_, i) => ({ id: `d${i}`, text: `text ${i} ${randomUUID()}` })),
    );
    await buildBatch(t, project.id, { size: 4, redundancy: 2 });
    const [a, b] = [await buildTokenClient(t), await buildTokenClient(t)];
    const tasks = (await a.post(`/api/projects/${project.id}/tasks/lease`, { count: 4 }).expect(200)).body.tasks;
    for (const task of tasks.slice(0, 3)) {
      await a.post(`/api/projects/${project.id}/judgments`, { clientId: randomUUID(), slotId: task.slotId, value: { score: 2 } }).expect(201);
    }
    await a.post(`/api/projects/${project.id}/judgments/undo`).expect(200);
    await a.post(`/api/tasks/${tasks[3].slotId}/skip`, { reason: 'unsure' }).expect(200);

    expect((await a.get(`/api/projects/${project.id}/labeling`).expect(200)).body).toEqual({ labeled: 2 });
    expect((await b.get(`/api/projects/${project.id}/labeling`).expect(200)).body).toEqual({ labeled: 0 });
    await a.get('/api/projects/999999/labeling').expect(404);
  });
});

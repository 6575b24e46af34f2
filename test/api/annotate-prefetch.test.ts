import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { buildBatch, buildDocuments, buildTokenClient } from '../support/factories.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

type Client = Awaited<ReturnType<typeof buildTokenClient>>;

async function buildOpenProject() {
  const project = await t.buildProject();
  await t.ctx.store.db.execute(sql`update projects set open_to_all = true where id = ${project.id}`);
  return project;
}

const docs = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `p${i}`, text: `prefetch document ${i} ${randomUUID()}` }));

async function lease(client: Client, projectId: number, count: number, known: number[] = []) {
  const res = await client.post(`/api/projects/${projectId}/tasks/lease`, { count, known }).expect(200);
  return res.body as {
    tasks: { slotId: number }[];
    held: number[];
    labeled: number;
    progress: { items: number; itemsDone: number; leftForYou: number };
  };
}

describe('leasing beside unsent answers (issue 13, point 5)', () => {
  it('answers only tasks the client does not know of, renews the known ones and lists every slot held', async () => {
    const project = await buildOpenProject();
    await buildDocuments(t, project.id, docs(8));
    await buildBatch(t, project.id, { redundancy: 1 });
    const a = await buildTokenClient(t);

    const first = await lease(a, project.id, 4);
    const known = first.tasks.map((task) => task.slotId);
    expect(known).toHaveLength(4);
    // The client holds four (some answered, not sent yet) and wants two more: it gets two new ones, not its own back.
    const second = await lease(a, project.id, 2, known);
    const fresh = second.tasks.map((task) => task.slotId);
    expect(fresh).toHaveLength(2);
    expect(fresh.filter((slot) => known.includes(slot))).toEqual([]);
    expect(new Set(second.held)).toEqual(new Set([...known, ...fresh]));
    // Without naming them, the held leases come first, as a reloaded page needs.
    const reloaded = await lease(a, project.id, 6);
    expect(new Set(reloaded.tasks.map((task) => task.slotId))).toEqual(new Set([...known, ...fresh]));
  });

  it("reports the open batches' progress and the work left for the caller", async () => {
    const project = await buildOpenProject();
    await buildDocuments(t, project.id, docs(5));
    await buildBatch(t, project.id, { redundancy: 2 });
    const a = await buildTokenClient(t);
    const b = await buildTokenClient(t);

    const start = await lease(a, project.id, 2);
    expect(start.progress).toEqual({ items: 5, itemsDone: 0, leftForYou: 5 });
    for (const task of start.tasks) {
      await a.post(`/api/projects/${project.id}/judgments`, { clientId: randomUUID(), slotId: task.slotId, value: { score: 3 } }).expect(201);
    }
    // Breadth first, b is served the three items a has not seen, then a's two: answering all five completes a's two.
    for (const task of (await lease(b, project.id, 5)).tasks) {
      await b.post(`/api/projects/${project.id}/judgments`, { clientId: randomUUID(), slotId: task.slotId, value: { score: 3 } }).expect(201);
    }
    expect((await lease(a, project.id, 1)).progress).toEqual({ items: 5, itemsDone: 2, leftForYou: 3 });
    expect((await lease(b, project.id, 1)).progress).toEqual({ items: 5, itemsDone: 2, leftForYou: 0 });
  });
});

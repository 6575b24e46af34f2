/**
 * Crowd grading reads the submission's judgments and the gold answers under the project's config as it is now: once
 * the config changes so that they no longer fit, they grade nothing either way, and the sync carries on instead of
 * failing; the review policy then decides as it does with too few check questions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import request from 'supertest';
import { startMturkEmulator, type MturkEmulator } from '../support/mturk-emulator/index.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { buildBatch, buildDocuments, buildTokenClient } from '../support/factories.ts';
import { rowsOf } from '../../server/db/store.ts';
import { crowdChannelOf } from '../../server/crowd/channel-of.ts';
import { syncCrowdProject } from '../../server/commands/sync-crowd.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

let emulator: MturkEmulator;
let t: TestApp;
let admin: Awaited<ReturnType<typeof buildTokenClient>>;
beforeAll(async () => {
  emulator = await startMturkEmulator({ balance: '50.00' });
  t = await startTestApp({ MTURK_ENDPOINT: emulator.url, PUBLIC_URL: 'http://127.0.0.1:9' });
  admin = await buildTokenClient(t, 'admin');
});
afterAll(async () => {
  await t.close();
  await emulator.close();
});

const patchProject = (projectId: number, body: object) =>
  request(t.url).patch(`/api/projects/${projectId}`).set('Authorization', admin.authorization).send(body).expect(200);

describe('crowd grading after a config change', () => {
  it('grades no judgment or gold answer that no longer fits, and the sync decides without them', async () => {
    const project = await t.buildProject();
    await buildDocuments(
      t,
      project.id,
      [0, 1, 2, 3].map((i) => ({ id: `d${i}`, text: `crowd document ${i} ${randomUUID()}` })),
    );
    await admin
      .put(`/api/projects/${project.id}/gold`, {
        answers: [
          { externalId: 'd0', answer: { score: 5 } },
          { externalId: 'd1', answer: { score: 4 } },
        ],
      })
      .expect(200);
    await patchProject(project.id, { settings: { crowd: { approveAtOrAbove: 0.5, rejectBelow: 0, minGold: 1, holdOtherwise: true } } });
    const { batch } = await buildBatch(t, project.id, { redundancy: 1, goldRate: 0.5, channel: 'crowd' }, false);
    await admin
      .post(`/api/batches/${batch.id}/crowd/publish`, {
        itemsPerHit: 4,
        reward: '0.10',
        title: 'Rate',
        description: 'Rate each document',
        budget: '5.00',
      })
      .expect(200);
    const { hits } = (await admin.get(`/api/projects/${project.id}/crowd/status`).expect(200)).body as { hits: { externalId: string }[] };

    const accept = await fetch(`${emulator.url}/_worker/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hitId: hits[0].externalId, workerId: 'WOLD' }),
    });
    const { assignmentId } = (await accept.json()) as { assignmentId: string };
    const page = await fetch(`${t.url}/api/mturk/hit?hitId=${hits[0].externalId}&assignmentId=${assignmentId}`);
    const { tasks } = (await page.json()) as { tasks: { itemId: number }[] };
    const submitted = await fetch(`${t.url}/api/mturk/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        hitId: hits[0].externalId,
        assignmentId,
        workerId: 'WOLD',
        judgments: tasks.map((task) => ({ itemId: task.itemId, value: { score: 5 }, timeSpentMs: 5000 })),
      }),
    });
    expect(submitted.status).toBe(201);
    const { token } = (await submitted.json()) as { token: string };
    expect(
      (await fetch(`${emulator.url}/mturk/externalSubmit`, { method: 'POST', body: new URLSearchParams({ assignmentId, curateToken: token }) }))
        .status,
    ).toBe(200);

    // Scores 4 and 5 are off the new 1-3 scale: neither the answers nor the gold can be compared any more.
    await patchProject(project.id, { config: { scale: { min: 1, max: 3 } } });
    await syncCrowdProject(t.ctx, crowdChannelOf(t.ctx), { projectId: project.id });

    const [row] = await rowsOf<{ decision: string; gold_total: number }>(
      t.ctx.store.db,
      sql`select decision, gold_total from crowd_assignments where external_id = ${assignmentId}`,
    );
    expect(row).toEqual({ decision: 'hold', gold_total: 0 });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { buildReviewedProjectWithGold } from '../support/reviewed-with-gold.ts';
import { rowsOf } from '../../server/db/store.ts';
import { aggregateProject, type ComputeAggregation } from '../../server/commands/aggregate-project.ts';
import { computeInWorker } from '../../server/jobs/aggregation-thread.ts';

let t: TestApp;
let projectId: number;
let admin: Awaited<ReturnType<typeof buildReviewedProjectWithGold>>['admin'];

beforeAll(async () => {
  t = await startTestApp();
  ({
    project: { id: projectId },
    admin,
  } = await buildReviewedProjectWithGold(t, { documents: 12, gold: 4, aggregation: { method: 'mv' } }));
});

afterAll(() => t.close());

/** The real worker computation, held at a gate until the test opens it: the run is then mid-compute. */
function gatedCompute() {
  let open!: () => void;
  let reached!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const computing = new Promise<void>((resolve) => (reached = resolve));
  const compute: ComputeAggregation = async (snapshot) => {
    reached();
    await gate;
    return computeInWorker(snapshot);
  };
  return { compute, computing, open };
}

/**
 * Starts a run and waits until it is held at the gate; the app's own debounced run of the judgments just
 * submitted may hold the project first, and then this one returns null at once and is started again.
 */
async function runHeldAtGate() {
  for (;;) {
    const { compute, computing, open } = gatedCompute();
    const run = aggregateProject(t.ctx, { projectId, compute });
    if ((await Promise.race([computing.then(() => 'held'), run.then(() => 'over')])) === 'held') return { run, open };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const storedQuality = async () =>
  (await rowsOf<{ quality: unknown }>(t.ctx.store.db, sql`select quality from projects where id = ${projectId}`))[0].quality;

describe('a re-aggregation computing', () => {
  it('holds no transaction: requests reading and writing the project are served meanwhile', async () => {
    const { run, open } = await runHeldAtGate();
    // On the embedded store (one connection) a transaction held across the compute would make these wait for ever.
    await admin.get(`/api/projects/${projectId}/quality`).expect(200);
    await t.ctx.store.db.execute(sql`update projects set aggregation_requested_at = aggregation_requested_at where id = ${projectId}`);
    open();
    const result = await run;
    expect(result && !result.skipped && result.stored).toBe(true);
    const { body } = await admin.get(`/api/projects/${projectId}/quality`).expect(200);
    expect(body.quality.agreement).toBeTruthy();
  });

  it('stores nothing when results of a later snapshot were stored while it computed', async () => {
    const { run, open } = await runHeldAtGate();
    // What another process's run, from a snapshot taken after this one's, leaves behind.
    const later = { marker: 'a later run' };
    await t.ctx.store.db.execute(
      sql`update projects set quality = ${JSON.stringify(later)}::jsonb, aggregated_at = clock_timestamp() where id = ${projectId}`,
    );
    open();
    const result = await run;
    expect(result && !result.skipped && result.stored).toBe(false);
    expect(await storedQuality()).toEqual(later);
    // A run from a fresh snapshot stores again.
    const next = await aggregateProject(t.ctx, { projectId });
    expect(next && !next.skipped && next.stored).toBe(true);
    expect(await storedQuality()).not.toEqual(later);
  });
});

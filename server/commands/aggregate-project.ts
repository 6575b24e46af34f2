import type { AppContext } from '../context.ts';
import { findProject } from '../db/queries/projects.ts';
import {
  claimAggregationRequest,
  documentsForPayloads,
  requestAggregation,
  goldAnswersByItem,
  labelsForAggregation,
  openExtraSlots,
  replaceAnnotatorStats,
  saveProjectQuality,
  sendItemsToReview,
  snapshotTime,
  upsertAggregates,
} from '../db/queries/aggregation.ts';
import { exclusively } from '../jobs/exclusive.ts';
import { computeInWorker } from '../jobs/aggregation-thread.ts';
import { runCommand } from './run-command.ts';
import { notFound } from '../errors.ts';
import { correctedDocumentIds, type AggregationSnapshot, type ProjectAggregation } from '../quality/project-aggregation.ts';
import type { Db } from '../db/store.ts';

/** Per-project lock keys live in their own range, clear of the job locks. */
const LOCK_BASE = 1_000_000_000;

/** Where a run's computation happens: the worker thread, unless a caller supplies its own (a test's gate). */
export type ComputeAggregation = (snapshot: AggregationSnapshot) => Promise<ProjectAggregation>;

/**
 * Re-aggregates a project in three steps, none of which holds a transaction across the next: one read-only
 * REPEATABLE READ snapshot of the judgments, gold answers and corrected documents; the computation
 * (project-aggregation.ts) in a worker thread with no connection held; one short transaction storing the results,
 * which stores nothing if a run from a later snapshot stored its own first. Items under the confidence threshold
 * go to review, or, with adaptive redundancy on, get extra slots up to the project's maximum k.
 * A per-project advisory lock (held on an idle connection, not in a transaction) lets only one process run it at a time.
 * @returns the output, or null when another process is aggregating this project right now.
 */
export async function aggregateProject(ctx: AppContext, props: { projectId: number; onlyIfRequested?: boolean; compute?: ComputeAggregation }) {
  const { db } = ctx.store;
  if (!(await findProject(db, props.projectId))) throw notFound('Project');
  // Claim in its own short transaction, before the run: the request flag lives on the project row, which submits
  // must be able to set again (a judgment committed from here on asks for another run) without waiting.
  const requested = await claimAggregationRequest(db, props.projectId);
  if (props.onlyIfRequested && !requested) return { skipped: true as const };
  const run = await exclusively(ctx.store, LOCK_BASE + props.projectId, async () => {
    const { snapshot, asOf } = await readSnapshot(db, props.projectId);
    const result = await (props.compute ?? computeInWorker)(snapshot);
    const stored = await storeResults(ctx, snapshot, result, asOf);
    const { output, documentsNotShown, judgmentsNotFitting, goldAnswersNotFitting } = result;
    return { skipped: false as const, stored, output, documentsNotShown, judgmentsNotFitting, goldAnswersNotFitting };
  });
  // Another process is running it; leave the request standing so its next run (or the sweep) picks it up.
  if (!run && requested) await requestAggregation(db, props.projectId);
  return run ?? null;
}

/** Everything a run reads, as of one moment: a read-only REPEATABLE READ transaction, released before computing. */
async function readSnapshot(db: Db, projectId: number): Promise<{ snapshot: AggregationSnapshot; asOf: string }> {
  return db.transaction(
    async (tx) => {
      // The first statement takes the snapshot; the clock read with it orders this run against the others.
      const asOf = await snapshotTime(tx);
      const project = (await findProject(tx, projectId))!;
      const labels = await labelsForAggregation(tx, projectId);
      const gold = await goldAnswersByItem(tx, projectId);
      const corrected = await documentsForPayloads(tx, correctedDocumentIds(project, labels));
      return { snapshot: { project, labels, gold, corrected }, asOf };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

/** Thrown inside the write transaction to roll it back when a later snapshot's results are stored already. */
class NewerResultsStored extends Error {}

/** Stores a run's results in one transaction. @returns false when a later run had stored its own, and this wrote nothing. */
async function storeResults(ctx: AppContext, snapshot: AggregationSnapshot, result: ProjectAggregation, asOf: string) {
  const { project } = snapshot;
  const { output, reliability, extraSlots, low } = result;
  try {
    await runCommand(ctx, async (tx) => {
      await upsertAggregates(tx, project.id, output.items);
      await replaceAnnotatorStats(
        tx,
        project.id,
        output.workers.map(({ workerKey, ...stats }) => ({ workerKey, stats })),
      );
      if (extraSlots) await openExtraSlots(tx, extraSlots);
      else await sendItemsToReview(tx, low);
      // Last, so the project row (which every submit touches) is locked only until the commit right after.
      const saved = await saveProjectQuality(
        tx,
        project.id,
        {
          agreement: output.agreement,
          agreementByBatch: output.agreementByBatch,
          agreementByAspect: output.agreementByAspect,
          edits: output.edits,
          positionBias: output.positionBias,
          classes: output.classes,
          reliability,
          lowConfidenceItems: low.length,
          judgmentsNotFitting: result.judgmentsNotFitting,
          goldAnswersNotFitting: result.goldAnswersNotFitting,
          computedAt: new Date().toISOString(),
        },
        asOf,
      );
      if (!saved) throw new NewerResultsStored();
    });
    return true;
  } catch (error) {
    if (error instanceof NewerResultsStored) return false;
    throw error;
  }
}

/** How often an on-demand run looks again while another run holds the project. */
const RETRY_MS = 200;

/**
 * On demand (the admin's button, the CLI): when another run holds the project, waits for it to finish and runs
 * again, since that run may have read the judgments before the latest ones.
 * @returns the output, or null when the project stayed busy for `waitMs`.
 */
export async function aggregateProjectNow(ctx: AppContext, projectId: number, waitMs = 30_000) {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const run = await aggregateProject(ctx, { projectId });
    if (run || Date.now() >= deadline) return run;
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
}

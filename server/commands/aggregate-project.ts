import type { AppContext } from '../context.ts';
import type { Project } from '../db/schema.ts';
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
  upsertAggregates,
} from '../db/queries/aggregation.ts';
import { tryAdvisoryXactLock } from '../jobs/advisory-lock.ts';
import { runCommand } from './run-command.ts';
import { notFound } from '../errors.ts';
import { aggregateObservations, type Observation } from '../quality/aggregate-observations.ts';
import { categoricalInput, diagramMethods, methodReliability, type Calibration } from '../quality/method-reliability.ts';
import { aggregationSettingsOf } from '../quality/aggregation-settings.ts';
import { projectTaskType } from '../../tasks/registry.ts';
import { calibratedConfidence, routeLowConfidence, type EditReview } from '../aggregation/index.ts';
import { tryDocumentPayload } from './document-payload.ts';
import type { Tx } from '../db/store.ts';

/** The confidence the engine stores for a categorical result: calibrated from the answers, then on gold. */
const storedConfidence: Calibration = (data, result, gold) => calibratedConfidence(data, result, gold).result;

/** Per-project lock keys live in their own range, clear of the job locks. */
const LOCK_BASE = 1_000_000_000;

/**
 * Re-aggregates a project: every live label becomes a number through the task type, the engine gives per-item
 * results, annotator reliability and agreement, and the results are stored. Items under the confidence threshold
 * go to review, or, with adaptive redundancy on, get extra slots up to the project's maximum k.
 * Guarded by a per-project advisory lock, so with several server processes only one runs it at a time.
 * @returns the output, or null when another process is aggregating this project right now.
 */
export async function aggregateProject(ctx: AppContext, props: { projectId: number; onlyIfRequested?: boolean }) {
  const { db } = ctx.store;
  if (!(await findProject(db, props.projectId))) throw notFound('Project');
  // Claim in its own short transaction, before the long run: the request flag lives on the project row, which
  // submits must be able to set again (a judgment committed from here on asks for another run) without waiting.
  const requested = await claimAggregationRequest(db, props.projectId);
  if (props.onlyIfRequested && !requested) return { skipped: true as const };
  const run = await runCommand(ctx, async (tx) => {
    if (!(await tryAdvisoryXactLock(tx, LOCK_BASE + props.projectId))) return undefined;
    const project = (await findProject(tx, props.projectId))!;
    const { labels, gold, judgmentsNotFitting, goldAnswersNotFitting } = fittingValues(
      project,
      await labelsForAggregation(tx, project.id),
      await goldAnswersByItem(tx, project.id),
    );
    const edits = await editReviews(tx, project, labels);
    const { output, reliability } = compute(project, labels, gold, edits?.reviews);
    await upsertAggregates(tx, project.id, output.items);
    await replaceAnnotatorStats(
      tx,
      project.id,
      output.workers.map(({ workerKey, ...stats }) => ({ workerKey, stats })),
    );
    const settings = aggregationSettingsOf(project.settings);
    const route = routeLowConfidence(
      Float64Array.from(output.items, (i) => i.confidence),
      {
        threshold: settings.reviewBelowConfidence,
        maxExtraPerItem: settings.maxRedundancy,
      },
    );
    const low = Array.from(route.items, (i) => output.items[i]);
    if (settings.adaptiveRedundancy) {
      const extra = low
        .map((item, r) => ({ itemId: item.itemId, slots: Math.min(route.extraSlots[r], settings.maxRedundancy - item.nJudgments) }))
        .filter((e) => e.slots > 0);
      await openExtraSlots(tx, extra);
    } else {
      await sendItemsToReview(
        tx,
        low.map((i) => i.itemId),
      );
    }
    await saveProjectQuality(tx, project.id, {
      agreement: output.agreement,
      agreementByBatch: output.agreementByBatch,
      agreementByAspect: output.agreementByAspect,
      edits: output.edits,
      positionBias: output.positionBias,
      classes: output.classes,
      reliability,
      lowConfidenceItems: low.length,
      judgmentsNotFitting,
      goldAnswersNotFitting,
      computedAt: new Date().toISOString(),
    });
    return { skipped: false as const, output, documentsNotShown: edits?.documentsNotShown ?? 0, judgmentsNotFitting, goldAnswersNotFitting };
  });
  // Another process is running it; leave the request standing so its next run (or the sweep) picks it up.
  if (!run && requested) await requestAggregation(db, props.projectId);
  return run ?? null;
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

type Labels = Awaited<ReturnType<typeof labelsForAggregation>>;

/**
 * The stored judgments and gold answers that fit the project's config as it is now. One stored under an earlier
 * config that no longer fits (a score off a changed scale, no score for an aspect added since) is left out and
 * counted, so a config change never stops aggregation.
 */
function fittingValues(project: Project, stored: Labels, storedGold: Map<number, unknown>) {
  const taskType = projectTaskType(project)!;
  const labels = stored.filter((l) => taskType.fitsJudgment(l.value));
  const gold = new Map([...storedGold].filter(([, answer]) => taskType.fitsGold(answer)));
  return { labels, gold, judgmentsNotFitting: stored.length - labels.length, goldAnswersNotFitting: storedGold.size - gold.size };
}

/**
 * Maps judgments through the project's task type and runs the engine; for categorical labels, also every method
 * against the gold items, so the quality page shows how far each one's confidence holds.
 */
function compute(project: Project, labels: Labels, gold: Map<number, unknown>, reviews: EditReview[] | undefined) {
  const taskType = projectTaskType(project)!;
  const observations: Observation[] = labels.map((l) => ({
    itemId: Number(l.item_id),
    workerKey: l.worker_key,
    value: taskType.judgmentLabel(l.value),
    seconds: l.time_spent_ms / 1000,
    swapped: l.swapped ?? false,
    batchId: Number(l.batch_id),
    aspects: taskType.aspectScores(l.value),
  }));
  const goldValues = new Map([...gold].map(([itemId, answer]) => [itemId, taskType.goldLabel(answer)]));
  const settings = aggregationSettingsOf(project.settings);
  const output = aggregateObservations({
    kind: taskType.aggregationKind,
    observations,
    classes: taskType.aggregationClasses(),
    scale: taskType.aggregationScale(),
    aspects: taskType.aggregationAspects(),
    gold: goldValues,
    editReviews: reviews,
    settings,
  });
  if (taskType.aggregationKind !== 'categorical') return { output, reliability: null };
  const { data, gold: goldCodes } = categoricalInput(observations, goldValues, output.classes.length);
  return { output, reliability: methodReliability(data, goldCodes, diagramMethods(settings.method, data.item.length), storedConfidence) };
}

/**
 * Task types that review generated text: each judgment as an edit review. Only the documents that a judgment
 * corrected are loaded, to measure the correction against the original. A document the task type cannot show
 * (issue 12, finding 4) has no original to measure against: its corrections are left out and counted.
 */
async function editReviews(tx: Tx, project: Project, labels: Labels): Promise<{ reviews: EditReview[]; documentsNotShown: number } | undefined> {
  const review = projectTaskType(project)!.editReview;
  if (!review) return undefined;
  const verdicts = labels.map((l) => review.of(l.value));
  const corrected = new Set(labels.filter((_, j) => verdicts[j].corrected !== undefined).map((l) => Number(l.document_id)));
  const originals = new Map<number, string>();
  let documentsNotShown = 0;
  for (const doc of await documentsForPayloads(tx, [...corrected])) {
    const built = tryDocumentPayload(project, doc);
    if ('problem' in built) documentsNotShown++;
    else originals.set(Number(doc.id), review.original(built.payload));
  }
  const reviews = verdicts.map(({ accepted, errorTags, corrected: text }, j) => {
    const original = originals.get(Number(labels[j].document_id));
    return { accepted, errorTags, correction: text === undefined || original === undefined ? undefined : { original, corrected: text } };
  });
  return { reviews, documentsNotShown };
}

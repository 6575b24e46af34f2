import type { Project } from '../db/schema.ts';
import type { labelsForAggregation } from '../db/queries/aggregation.ts';
import { aggregateObservations, type Observation } from './aggregate-observations.ts';
import { categoricalInput, diagramMethods, methodReliability, type Calibration } from './method-reliability.ts';
import { aggregationSettingsOf } from './aggregation-settings.ts';
import { projectTaskType } from '../../tasks/registry.ts';
import { calibratedConfidence, routeLowConfidence, type EditReview } from '../aggregation/index.ts';
import { tryDocumentPayload } from '../commands/document-payload.ts';

/** The stored labels of a project, as the aggregation reads them. */
export type AggregationLabels = Awaited<ReturnType<typeof labelsForAggregation>>;

/** Everything a run reads from the database, in one snapshot; plain data, so it crosses to a worker thread. */
export interface AggregationSnapshot {
  project: Project;
  labels: AggregationLabels;
  /** Gold answers keyed by item. */
  gold: Map<number, unknown>;
  /** The documents that a judgment corrected (edit-review task types only), to measure each correction against. */
  corrected: { id: number; text: string; meta: unknown }[];
}

/** The confidence the engine stores for a categorical result: calibrated from the answers, then on gold. */
const storedConfidence: Calibration = (data, result, gold) => calibratedConfidence(data, result, gold).result;

/**
 * The whole computation of a re-aggregation, pure: every live label becomes a number through the task type, the
 * engine gives per-item results, annotator reliability and agreement, and the routing decides which items go to
 * review or get extra slots. It runs off the server's event loop (aggregation-worker.ts), with no connection held.
 */
export function computeProjectAggregation(snapshot: AggregationSnapshot) {
  const { project } = snapshot;
  const { labels, gold, judgmentsNotFitting, goldAnswersNotFitting } = fittingValues(project, snapshot.labels, snapshot.gold);
  const edits = editReviews(project, labels, snapshot.corrected);
  const { output, reliability } = compute(project, labels, gold, edits?.reviews);
  const settings = aggregationSettingsOf(project.settings);
  const route = routeLowConfidence(
    Float64Array.from(output.items, (i) => i.confidence),
    { threshold: settings.reviewBelowConfidence, maxExtraPerItem: settings.maxRedundancy },
  );
  const low = Array.from(route.items, (i) => output.items[i]);
  const extraSlots = settings.adaptiveRedundancy
    ? low
        .map((item, r) => ({ itemId: item.itemId, slots: Math.min(route.extraSlots[r], settings.maxRedundancy - item.nJudgments) }))
        .filter((e) => e.slots > 0)
    : null;
  return {
    output,
    reliability,
    /** With adaptive redundancy on, the extra slots to open; otherwise null, and `low` goes to review. */
    extraSlots,
    low: low.map((i) => i.itemId),
    documentsNotShown: edits?.documentsNotShown ?? 0,
    judgmentsNotFitting,
    goldAnswersNotFitting,
  };
}

export type ProjectAggregation = ReturnType<typeof computeProjectAggregation>;

/**
 * The document ids whose original an edit review needs (the ones a judgment corrected), or none for task types
 * that do not review generated text. Read before the snapshot's documents are loaded.
 */
export function correctedDocumentIds(project: Project, labels: AggregationLabels): number[] {
  const taskType = projectTaskType(project)!;
  const review = taskType.editReview;
  if (!review) return [];
  const fixing = labels.filter((l) => taskType.fitsJudgment(l.value) && review.of(l.value).corrected !== undefined);
  return [...new Set(fixing.map((l) => Number(l.document_id)))];
}

/**
 * The stored judgments and gold answers that fit the project's config as it is now. One stored under an earlier
 * config that no longer fits (a score off a changed scale, no score for an aspect added since) is left out and
 * counted, so a config change never stops aggregation.
 */
function fittingValues(project: Project, stored: AggregationLabels, storedGold: Map<number, unknown>) {
  const taskType = projectTaskType(project)!;
  const labels = stored.filter((l) => taskType.fitsJudgment(l.value));
  const gold = new Map([...storedGold].filter(([, answer]) => taskType.fitsGold(answer)));
  return { labels, gold, judgmentsNotFitting: stored.length - labels.length, goldAnswersNotFitting: storedGold.size - gold.size };
}

/**
 * Maps judgments through the project's task type and runs the engine; for categorical labels, also every method
 * against the gold items, so the quality page shows how far each one's confidence holds.
 */
function compute(project: Project, labels: AggregationLabels, gold: Map<number, unknown>, reviews: EditReview[] | undefined) {
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
 * Task types that review generated text: each judgment as an edit review, its correction measured against the
 * original. A document the task type cannot show (issue 12, finding 4) has no original to measure against: its
 * corrections are left out and counted.
 */
function editReviews(
  project: Project,
  labels: AggregationLabels,
  corrected: AggregationSnapshot['corrected'],
): { reviews: EditReview[]; documentsNotShown: number } | undefined {
  const review = projectTaskType(project)!.editReview;
  if (!review) return undefined;
  const originals = new Map<number, string>();
  let documentsNotShown = 0;
  for (const doc of corrected) {
    const built = tryDocumentPayload(project, doc);
    if ('problem' in built) documentsNotShown++;
    else originals.set(Number(doc.id), review.original(built.payload));
  }
  const reviews = labels.map((l) => {
    const { accepted, errorTags, corrected: text } = review.of(l.value);
    const original = originals.get(Number(l.document_id));
    return { accepted, errorTags, correction: text === undefined || original === undefined ? undefined : { original, corrected: text } };
  });
  return { reviews, documentsNotShown };
}

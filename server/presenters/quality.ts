import type { Project } from '../db/schema.ts';
import type { AggregationOutput, WorkerStats } from '../quality/aggregate-observations.ts';
import type { EditReviewSummary } from '../aggregation/index.ts';
import { aggregationSettingsOf } from '../quality/aggregation-settings.ts';
import type { ProjectReliability } from '../quality/method-reliability.ts';
import type { confidenceHistogram, itemStatusCounts, resultHistogram } from '../db/queries/quality.ts';

/** What the last aggregation run stored on the project; empty before the first run. */
type StoredQuality = Pick<AggregationOutput, 'agreement' | 'agreementByBatch' | 'agreementByAspect' | 'positionBias' | 'classes'> & {
  /** Rates and distances are NaN without reviews or corrections, so null here. */
  edits: (FromJson<Omit<EditReviewSummary, 'editDistance'>> & { editDistance: FromJson<EditReviewSummary['editDistance']> }) | null;
  /** Categorical labels: each method's confidence against the gold items; null for scores and preferences. */
  reliability: ProjectReliability | null;
  lowConfidenceItems: number;
  /** Stored under an earlier config and not fitting the current one, so left out of the run. */
  judgmentsNotFitting: number;
  goldAnswersNotFitting: number;
  computedAt: string;
};

/** Stored statistics went through JSON, which has no NaN: a figure that could not be computed comes back as null. */
type FromJson<T> = { [K in keyof T]: T[K] extends number ? number | null : T[K] extends number[][] ? (number | null)[][] : T[K] };

/** What agreement figures mean, shown beside them. */
const AGREEMENT_NOTES = {
  percentAgreement: 'Share of annotator pairs on an item that gave the same answer; ignores agreement by chance.',
  fleissKappa: 'Agreement beyond chance among many annotators (1 perfect, 0 chance level, <0 worse than chance).',
  meanCohenKappa: 'Chance-corrected agreement of each pair of annotators, averaged over pairs with shared items.',
  alphaNominal: "Krippendorff's alpha treating answers as categories; handles missing judgments. >= 0.8 reliable, >= 0.667 tentative.",
  alphaOrdinal: "Krippendorff's alpha respecting the order of the scale (a 4 vs 5 disagreement counts less than 0 vs 5).",
  alphaInterval: "Krippendorff's alpha treating the scale as numbers (squared differences).",
};

export interface QualityReportParts {
  histogram: Awaited<ReturnType<typeof resultHistogram>>;
  confidence: Awaited<ReturnType<typeof confidenceHistogram>>;
  items: Awaited<ReturnType<typeof itemStatusCounts>>;
  annotators: { workerKey: string; name: string; stats: unknown }[];
  batches: { id: number; name: string }[];
}

/** The quality page: stored results, agreement and annotator reliability, and the settings they were computed with. */
export function presentQualityReport(project: Project, parts: QualityReportParts) {
  const quality = project.quality as Partial<StoredQuality>;
  const batchNames = new Map(parts.batches.map((b) => [b.id, b.name]));
  return {
    quality: {
      ...quality,
      // Batches are named as on the batches page; a batch deleted since the run keeps its number.
      agreementByBatch: quality.agreementByBatch?.map((b) => ({ ...b, name: batchNames.get(b.batchId) ?? `Batch ${b.batchId}` })),
    },
    agreementNotes: AGREEMENT_NOTES,
    aggregatedAt: project.aggregatedAt,
    settings: aggregationSettingsOf(project.settings),
    items: parts.items,
    histogram: parts.histogram,
    confidence: parts.confidence,
    annotators: parts.annotators.map((a) => ({ ...(a.stats as FromJson<WorkerStats>), workerKey: a.workerKey, name: a.name })),
  };
}

/** What an aggregation run left out: documents the task type cannot show, and values not fitting the current config. */
export interface LeftOut {
  documentsNotShown: number;
  judgmentsNotFitting: number;
  goldAnswersNotFitting: number;
}

/**
 * The outcome of an on-demand aggregation: null figures when there was nothing to aggregate, and how many documents
 * were left out of the edit measures because the task type cannot show them, and how many judgments and gold
 * answers because they do not fit the project's config as it is now.
 */
export function presentAggregationRun(output: AggregationOutput | null, leftOut: LeftOut) {
  return {
    items: output?.items.length ?? 0,
    agreement: output?.agreement ?? null,
    positionBias: output?.positionBias ?? null,
    documentsNotShown: leftOut.documentsNotShown,
    judgmentsNotFitting: leftOut.judgmentsNotFitting,
    goldAnswersNotFitting: leftOut.goldAnswersNotFitting,
  };
}

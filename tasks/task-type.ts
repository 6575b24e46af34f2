/**
 * The contract every task type fulfils. Server code imports a type's index.ts (pure data + functions);
 * the client also renders its Labeler.svelte with {@link LabelerProps}.
 */
import type { z } from './lib/zod.ts';
import type { JudgeSpec } from './lib/judge-prompt.ts';

/** The registered task type names. */
export type TaskTypeName = 'quality-rating' | 'synthetic-review' | 'pairwise-preference';

/** How judgments of a type are aggregated (see server/quality/aggregate-observations.ts). */
export type AggregationKind = 'categorical' | 'ordinal' | 'pairwise';

/** A rated aspect besides the main answer (e.g. coherence 1-5), scored on its own scale. */
export interface AspectScale {
  key: string;
  label: string;
  scale: { min: number; max: number };
}

/** A corpus document as imported: its text and free-form metadata. */
export interface SourceDocument {
  text: string;
  meta: Record<string, unknown>;
}

/** Maps a payload field (e.g. `response_a`) to the document field holding it (e.g. `chosen`). */
export type FieldMapping = Record<string, string>;

/** Result of checking a judgment against a known answer. */
export interface GoldComparison {
  correct: boolean;
  /** Partial credit in 0..1, e.g. 1 minus the normalised ordinal distance. */
  score: number;
}

/**
 * One column of the aggregated export. The type is the column's in typed formats (Parquet): `integer` for counts
 * and ids (INT64), `number` for real values (DOUBLE), `json` for objects and arrays (the JSON logical type).
 */
export interface ExportColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'json';
}

/** A cell of the aggregated export. */
export type ExportValue = string | number | boolean | null | Record<string, unknown> | unknown[];

/** What {@link TaskType.exportRow} summarises: one item's payload and all its judgments. */
export interface ItemJudgments<Payload, Judgment> {
  payload: Payload;
  judgments: Judgment[];
}

/** A key shown in the '?' help overlay. */
export interface Shortcut {
  key: string;
  description: string;
}

/** Props every Labeler.svelte takes. */
export interface LabelerProps<Payload, Config, Judgment> {
  payload: Payload;
  config: Config;
  /** Pairwise only: show response B on the left. Assigned (seeded) by the server per slot. */
  swapped?: boolean;
  disabled: boolean;
  /** Training mode: how the last submit compared with gold. */
  feedback?: { correct: boolean; expected: unknown } | null;
  onsubmit: (judgment: Judgment) => void;
}

/** A task type: schemas, gold scoring, aggregation mapping and export shape, all pure. */
export interface TaskType<Config, Payload, Judgment> {
  name: TaskTypeName;
  title: string;
  description: string;
  /** `configSchema.parse({})` yields the complete default config. */
  configSchema: z.ZodMiniType<Config>;
  payloadSchema: z.ZodMiniType<Payload>;
  /** Builds a validated payload; throws an Error naming the missing field. */
  payloadFromDocument(doc: SourceDocument, mapping?: FieldMapping): Payload;
  judgmentSchema(config: Config): z.ZodMiniType<Judgment>;
  goldAnswerSchema(config: Config): z.ZodMiniType<Partial<Judgment>>;
  compareWithGold(judgment: Judgment, gold: Partial<Judgment>, config: Config): GoldComparison;
  /**
   * Types that shuffle what is shown (pairwise sides): why a judgment contradicts the display order the server served
   * for its slot, or undefined when it agrees. The server records the order it served and refuses a contradiction.
   */
  displayOrderProblem?(judgment: Judgment, swapped: boolean): string | undefined;
  aggregationKind: AggregationKind;
  /** The number aggregated: an ordinal score, a class index, or (pairwise) 1 = A, 0 = B, 0.5 = tie by content. */
  toAggregationLabel(judgment: Partial<Judgment>, config: Config): number;
  /** Class names in index order (categorical and pairwise kinds). */
  aggregationClasses?(config: Config): string[];
  /** The answer scale (ordinal kind). */
  aggregationScale?(config: Config): { min: number; max: number };
  /** Rated aspects besides the main answer, each on its own scale; agreement is reported per aspect. */
  aggregationAspects?(config: Config): AspectScale[];
  /** A judgment's aspect scores, keyed like {@link aggregationAspects}. */
  aspectScores?(judgment: Partial<Judgment>): Record<string, number> | undefined;
  /** Review of generated text: whether the judgment accepted it, its error tags and, when edited, the corrected text. */
  editReview?: {
    of(judgment: Partial<Judgment>): { accepted: boolean; errorTags: string[]; corrected?: string };
    /** The text a correction edits. */
    original(payload: Payload): string;
  };
  /** The class a keep/drop filter keeps (categorical kinds). */
  keepLabel?(config: Config): string;
  exportColumns(config: Config): ExportColumn[];
  /** One item's export cells, keyed by {@link exportColumns} names. */
  exportRow(item: ItemJudgments<Payload, Judgment>, config: Config): Record<string, ExportValue>;
  /** Height of the MTurk ExternalQuestion frame. */
  mturkFrameHeight: number;
  shortcuts(config: Config): Shortcut[];
  /** How an LLM judge is asked this task and its answer read (server/judges/). */
  judge: JudgeSpec<Config, Payload, Judgment>;
}

/**
 * quality-rating: one document scored on a configurable scale (default: additive 0-5 educational value,
 * in the spirit of FineWeb-Edu's annotation prompt), with optional keep/drop, aspect scores and rationale.
 */
import { z } from '../lib/zod.ts';
import type { TaskType } from '../task-type.ts';
import { qualityJudge } from './judge.ts';
import { readDocumentFields } from '../lib/document-fields.ts';
import { rationaleModeSchema, rationaleShape } from '../lib/rationale.ts';
import { meanOrNull, ordinalCredit, scaleSchema, scaleValueSchema, type Scale } from '../lib/scale.ts';

/** Additive rubric: each point is earned by meeting one more criterion, so a score explains itself. */
const EDUCATIONAL_RUBRIC = [
  { points: 1, criterion: 'Gives some basic information related to an educational topic, even if mixed with ads, navigation or off-topic material.' },
  { points: 2, criterion: 'Covers some elements that matter for learning, but is disorganised, incomplete or does not follow a teaching standard.' },
  {
    points: 3,
    criterion: 'Suitable for educational use: introduces key concepts coherently, as a textbook passage or tutorial might, despite gaps.',
  },
  { points: 4, criterion: 'Clearly useful for teaching at school level: focused, well-organised, with substantive content and few distractions.' },
  { points: 5, criterion: 'Outstanding: reads like excellent teaching material, thorough and easy to follow, with nothing irrelevant.' },
];

const aspectSchema = z.object({
  key: z.string().check(z.regex(/^[a-z][a-z0-9_]*$/, 'aspect keys are lower_snake_case')),
  label: z.string().check(z.minLength(1)),
  description: z._default(z.string(), ''),
  scale: scaleSchema,
});

/** A worked example of the optional multi-aspect rubric, for admins to paste into a config. */
export const EXAMPLE_ASPECTS: z.input<typeof aspectSchema>[] = [
  { key: 'coherence', label: 'Coherence', description: 'Reads as connected, well-formed prose.', scale: { min: 1, max: 5 } },
  { key: 'factual_reliability', label: 'Factual reliability', description: 'Claims look accurate and sourced.', scale: { min: 1, max: 5 } },
  { key: 'boilerplate', label: 'Boilerplate / spam', description: '0 none, 1 some, 2 mostly boilerplate or spam.', scale: { min: 0, max: 2 } },
  { key: 'toxicity', label: 'Toxicity', description: '0 none, 1 mild, 2 severe.', scale: { min: 0, max: 2 } },
];

/** Config: the primary scale and its rubric, plus optional keep/drop, aspects and rationale. */
export const qualityConfigSchema = z.object({
  criterion: z._default(z.string().check(z.minLength(1)), 'Educational value'),
  scale: z._default(scaleSchema, { min: 0, max: 5 }),
  rubricStyle: z._default(z.enum(['additive', 'descriptive']), 'additive'),
  rubric: z._default(z.array(z.object({ points: z.int(), criterion: z.string().check(z.minLength(1)) })), EDUCATIONAL_RUBRIC),
  guidelines: z._default(
    z.string(),
    'Start at 0 and add a point for each criterion the extract meets. Judge the content, not its formatting; ignore leftover navigation text.',
  ),
  keepDrop: z._default(z.boolean(), false),
  aspects: z._default(
    z.array(aspectSchema).check(z.refine((aspects) => new Set(aspects.map((a) => a.key)).size === aspects.length, 'aspect keys must be unique')),
    [],
  ),
  rationale: z._default(rationaleModeSchema, 'off'),
});

/** A complete quality-rating config. */
export type QualityConfig = z.infer<typeof qualityConfigSchema>;

/** What annotators see: the text and plain-text provenance. */
export const qualityPayloadSchema = z.object({
  text: z.string(),
  // Provenance is display-only: odd metadata types are shown as text or left out, never a reason to fail a lease.
  source: z.optional(z.coerce.string()),
  url: z.optional(z.coerce.string()),
  language: z.optional(z.coerce.string()),
  tokens: z.catch(z.optional(z.coerce.number().check(z.int(), z.nonnegative())), undefined),
});

/** A quality-rating payload. */
export type QualityPayload = z.infer<typeof qualityPayloadSchema>;

const PROVENANCE_FIELDS = ['source', 'url', 'language', 'tokens'].map((name) => ({ name, optional: true }));

/** One annotator's rating. */
export interface QualityJudgment {
  score: number;
  aspects?: Record<string, number>;
  keep?: boolean;
  rationale?: string;
}

/** Exact keys and ranges follow the config; strict so stray fields are refused rather than stored. */
function judgmentSchema(config: QualityConfig): z.ZodMiniType<QualityJudgment> {
  const aspectShape = Object.fromEntries(config.aspects.map((a) => [a.key, scaleValueSchema(a.scale)]));
  return z.strictObject({
    score: scaleValueSchema(config.scale),
    ...(config.aspects.length > 0 ? { aspects: z.strictObject(aspectShape) } : {}),
    ...(config.keepDrop ? { keep: z.boolean() } : {}),
    ...rationaleShape('rationale', config.rationale),
  }) as z.ZodMiniType<QualityJudgment>;
}

/** True when a digit alone completes the judgment (no aspects, keep/drop or required rationale). */
export function scoreSubmitsImmediately(config: QualityConfig): boolean {
  return config.aspects.length === 0 && !config.keepDrop && config.rationale !== 'required';
}

/** The scales a labeler steps through: the primary score first, then each aspect. */
export function ratingFields(config: QualityConfig): { key: string; label: string; scale: Scale }[] {
  return [{ key: 'score', label: config.criterion, scale: config.scale }, ...config.aspects];
}

/** The quality-rating task type. */
export const qualityRating: TaskType<QualityConfig, QualityPayload, QualityJudgment> = {
  name: 'quality-rating',
  title: 'Document quality rating',
  description: 'Rate a pretraining document on a rubric scale, optionally with aspect scores and a keep/drop call.',
  configSchema: qualityConfigSchema,
  payloadSchema: qualityPayloadSchema,
  payloadFromDocument(doc, mapping = {}) {
    // Web text may itself start with '{', so the text is read from a field only when the admin mapped one.
    const text = mapping.text ? readDocumentFields('quality-rating', doc, [{ name: 'text' }], mapping).text : doc.text;
    const provenance = readDocumentFields('quality-rating', doc, PROVENANCE_FIELDS, mapping);
    return qualityPayloadSchema.parse({ ...provenance, text });
  },
  judgmentSchema,
  goldAnswerSchema: (config) => z.object({ score: scaleValueSchema(config.scale), keep: z.optional(z.boolean()) }),
  compareWithGold(judgment, gold, config) {
    const expected = gold.score ?? judgment.score;
    const keepAgrees = gold.keep === undefined || judgment.keep === undefined || gold.keep === judgment.keep;
    return { correct: judgment.score === expected && keepAgrees, score: ordinalCredit(judgment.score, expected, config.scale) };
  },
  aggregationKind: 'ordinal',
  aggregationAspects: (config) => config.aspects,
  aspectScores: (judgment) => judgment.aspects,
  toAggregationLabel: (judgment) => judgment.score ?? Number.NaN,
  aggregationScale: (config) => config.scale,
  exportColumns: (config) => [
    { name: 'score_mean', type: 'number' },
    ...config.aspects.map((a) => ({ name: `${a.key}_mean`, type: 'number' as const })),
    ...(config.keepDrop ? [{ name: 'keep_fraction', type: 'number' as const }] : []),
  ],
  exportRow({ judgments }, config) {
    const keeps = judgments.flatMap((j) => (j.keep === undefined ? [] : [j.keep ? 1 : 0]));
    return {
      score_mean: meanOrNull(judgments.map((j) => j.score)),
      ...Object.fromEntries(config.aspects.map((a) => [`${a.key}_mean`, meanOrNull(judgments.flatMap((j) => j.aspects?.[a.key] ?? []))])),
      ...(config.keepDrop ? { keep_fraction: meanOrNull(keeps) } : {}),
    };
  },
  mturkFrameHeight: 900,
  shortcuts(config) {
    const { min, max } = config.scale;
    const digits = `${min}–${max}`;
    if (scoreSubmitsImmediately(config)) return [{ key: digits, description: `Score ${config.criterion.toLowerCase()} and submit` }];
    return [
      { key: '0–9', description: 'Score the focused scale' },
      { key: 'Tab / ← →', description: 'Move between scales' },
      ...(config.keepDrop ? [{ key: 'k / d', description: 'Keep / drop' }] : []),
      { key: 'Enter', description: 'Submit' },
    ];
  },
  judge: qualityJudge,
};

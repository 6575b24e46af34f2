/**
 * synthetic-review: an LLM-generated sample (prompt, response, generator) accepted, rejected with error tags,
 * or marked needs-edit with a corrected response whose edit distance is exported.
 */
import { z } from '../lib/zod.ts';
import type { TaskType } from '../task-type.ts';
import { syntheticJudge } from './judge.ts';
import { readDocumentFields } from '../lib/document-fields.ts';
import { levenshtein } from '../../server/aggregation/edit-distance.ts';
import { meanOrNull } from '../lib/scale.ts';

/** The three decisions, in aggregation class order. */
export const DECISIONS = ['accept', 'reject', 'needs-edit'] as const;

/** accept / reject / needs-edit. */
export type Decision = (typeof DECISIONS)[number];

const DEFAULT_TAGS = [
  { key: 'factual', label: 'Factual error', description: 'States something false or unsupported.' },
  { key: 'reasoning', label: 'Reasoning error', description: 'A step does not follow, or the arithmetic is wrong.' },
  { key: 'off-prompt', label: 'Off-prompt', description: 'Ignores or misreads the instruction.' },
  { key: 'unsafe', label: 'Unsafe', description: 'Harmful, toxic or leaks private data.' },
  { key: 'formatting', label: 'Formatting', description: 'Broken markdown, code or requested format.' },
  { key: 'low-value', label: 'Trivial / low value', description: 'Correct but teaches a model nothing.' },
];

/** Config: the error tags offered and whether a reject must name one. */
export const syntheticConfigSchema = z.object({
  tags: z._default(
    z
      .array(
        z.object({
          key: z.string().check(z.regex(/^[a-z][a-z0-9-]*$/)),
          label: z.string().check(z.minLength(1)),
          description: z._default(z.string(), ''),
        }),
      )
      .check(
        z.minLength(1),
        z.maxLength(9),
        z.refine((tags) => new Set(tags.map((t) => t.key)).size === tags.length, 'tag keys must be unique'),
      ),
    DEFAULT_TAGS,
  ),
  requireTagsOnReject: z._default(z.boolean(), true),
  guidelines: z._default(
    z.string(),
    'Accept only what you would want a model to learn from. Prefer needs-edit when a small fix makes the response good; reject when it needs rewriting.',
  ),
});

/** A complete synthetic-review config. */
export type SyntheticConfig = z.infer<typeof syntheticConfigSchema>;

/** The sample under review. */
export const syntheticPayloadSchema = z.object({
  prompt: z.string(),
  response: z.string(),
  generator: z.optional(z.coerce.string()),
  /** Free-form generation settings (temperature, seed…), shown as plain text; dropped when not an object. */
  generatorMeta: z.catch(z.optional(z.record(z.string(), z.unknown())), undefined),
});

/** A synthetic-review payload. */
export type SyntheticPayload = z.infer<typeof syntheticPayloadSchema>;

/** One reviewer's verdict. */
export interface SyntheticJudgment {
  decision: Decision;
  tags: string[];
  /** The full corrected response; present exactly when decision is needs-edit. */
  correctedText?: string;
}

const FIELDS = [
  { name: 'prompt' },
  { name: 'response', textFallback: true },
  { name: 'generator', optional: true },
  { name: 'generator_meta', optional: true },
];

function judgmentSchema(config: SyntheticConfig): z.ZodMiniType<SyntheticJudgment> {
  const tagKeys = config.tags.map((t) => t.key) as [string, ...string[]];
  return z
    .strictObject({
      decision: z.enum(DECISIONS),
      tags: z._default(z.array(z.enum(tagKeys)).check(z.refine((tags) => new Set(tags).size === tags.length, 'tags must not repeat')), []),
      correctedText: z.optional(z.string()),
    })
    .check(
      z.superRefine((j, ctx) => {
        if (j.decision === 'needs-edit' && !j.correctedText?.trim())
          ctx.addIssue({ code: 'custom', path: ['correctedText'], message: 'needs-edit requires the corrected text' });
        if (j.decision !== 'needs-edit' && j.correctedText !== undefined)
          ctx.addIssue({ code: 'custom', path: ['correctedText'], message: 'corrected text only goes with needs-edit' });
        if (j.decision === 'reject' && config.requireTagsOnReject && j.tags.length === 0)
          ctx.addIssue({ code: 'custom', path: ['tags'], message: 'reject requires at least one error tag' });
      }),
    ) as z.ZodMiniType<SyntheticJudgment>;
}

/** Share of tags both sides chose (Jaccard); 1 when neither chose any. */
function tagOverlap(a: string[], b: string[]): number {
  const union = new Set([...a, ...b]);
  return union.size === 0 ? 1 : a.filter((t) => b.includes(t)).length / union.size;
}

/** Characters (code points) changed by a needs-edit judgment, or null for other decisions. */
export function editDistanceOf(payload: SyntheticPayload, judgment: SyntheticJudgment): number | null {
  return judgment.correctedText === undefined ? null : levenshtein(payload.response, judgment.correctedText);
}

/** The synthetic-review task type. */
export const syntheticReview: TaskType<SyntheticConfig, SyntheticPayload, SyntheticJudgment> = {
  name: 'synthetic-review',
  title: 'Synthetic data review',
  description: 'Accept, reject (with error tags) or correct an LLM-generated response.',
  configSchema: syntheticConfigSchema,
  payloadSchema: syntheticPayloadSchema,
  payloadFromDocument(doc, mapping) {
    const fields = readDocumentFields('synthetic-review', doc, FIELDS, mapping);
    return syntheticPayloadSchema.parse({
      prompt: fields.prompt,
      response: fields.response,
      generator: fields.generator,
      generatorMeta: fields.generator_meta,
    });
  },
  judgmentSchema,
  goldAnswerSchema: (config) =>
    z.object({ decision: z.enum(DECISIONS), tags: z.optional(z.array(z.enum(config.tags.map((t) => t.key) as [string, ...string[]]))) }),
  compareWithGold(judgment, gold) {
    if (judgment.decision !== gold.decision) return { correct: false, score: 0 };
    // A matching decision earns half; the tags earn the rest when the gold names any.
    return { correct: true, score: gold.tags === undefined ? 1 : 0.5 + 0.5 * tagOverlap(judgment.tags, gold.tags) };
  },
  aggregationKind: 'categorical',
  toAggregationLabel: (judgment) => DECISIONS.indexOf(judgment.decision as Decision),
  aggregationClasses: () => [...DECISIONS],
  editReview: {
    of: (judgment) => ({ accepted: judgment.decision === 'accept', errorTags: judgment.tags ?? [], corrected: judgment.correctedText }),
    original: (payload) => payload.response,
  },
  keepLabel: () => 'accept',
  exportColumns: () => [
    ...DECISIONS.map((d) => ({ name: `${d.replace('-', '_')}_votes`, type: 'integer' as const })),
    { name: 'tag_counts', type: 'json' },
    { name: 'mean_edit_distance', type: 'number' },
    { name: 'corrected_texts', type: 'json' },
  ],
  exportRow({ payload, judgments }) {
    const tagCounts: Record<string, number> = {};
    for (const tag of judgments.flatMap((j) => j.tags)) tagCounts[tag] = (tagCounts[tag] ?? 0) + 1;
    const edits = judgments.filter((j) => j.correctedText !== undefined);
    return {
      ...Object.fromEntries(DECISIONS.map((d) => [`${d.replace('-', '_')}_votes`, judgments.filter((j) => j.decision === d).length])),
      tag_counts: tagCounts,
      mean_edit_distance: meanOrNull(edits.map((j) => editDistanceOf(payload, j) ?? 0)),
      corrected_texts: edits.map((j) => j.correctedText ?? ''),
    };
  },
  mturkFrameHeight: 1000,
  shortcuts: (config) => [
    { key: 'a', description: 'Accept and submit' },
    { key: 'r', description: 'Reject (then tag the errors)' },
    { key: 'e', description: 'Needs edit: open the response for correction' },
    { key: `1–${config.tags.length}`, description: 'Toggle an error tag' },
    { key: 'Enter / Ctrl+Enter', description: 'Submit (Ctrl+Enter while editing)' },
  ],
  judge: syntheticJudge,
};

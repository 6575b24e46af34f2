import { z } from 'zod';
import { UNCERTAINTY_MEASURES } from '../sampling/uncertainty.ts';

/** How documents are drawn for a batch. */
export const samplingSchema = z.discriminatedUnion('strategy', [
  z.object({ strategy: z.literal('random') }),
  z.object({
    strategy: z.literal('stratified'),
    /** Metadata field to stratify on: `source`, `lang`, or any key of the documents' meta. */
    field: z.string().min(1).max(100).default('source'),
    /** Target share per value (normalized); values left out get none. Absent: equal shares for every value. */
    proportions: z.record(z.string(), z.number().nonnegative()).optional(),
  }),
  z.object({
    strategy: z.literal('length'),
    /** Target share per length bucket; absent: equal shares. */
    proportions: z.record(z.string(), z.number().nonnegative()).optional(),
  }),
  z.object({
    /** The documents the latest scoring classifier is least sure of (see server/sampling/uncertainty.ts). */
    strategy: z.literal('uncertainty'),
    measure: z.enum(UNCERTAINTY_MEASURES).default('margin'),
    /** Field the batch is spread over, in proportion to each value's candidates. */
    field: z.string().min(1).max(100).default('source'),
  }),
  z.object({
    /** Judged documents the LLM judges are least sure of or disagree on, up to a budget (server/judges/routing). */
    strategy: z.literal('judge-uncertainty'),
    /** Human judgments per 1,000 judged documents; each routed document takes the batch's redundancy of them. */
    budgetPer1000: z.number().min(0).max(50_000),
  }),
  z.object({
    /** A blind human sample of the documents one judge answered, to calibrate it on. */
    strategy: z.literal('judge-sample'),
    judgeId: z.number().int().positive(),
  }),
]);

export const createBatchBody = z.object({
  name: z.string().trim().min(1).max(200),
  size: z.number().int().min(1).max(1_000_000),
  sampling: samplingSchema.default({ strategy: 'random' }),
  /** Judgments wanted per item. */
  redundancy: z.number().int().min(1).max(50).default(3),
  /** Share of slots that are gold items with known answers. */
  goldRate: z.number().min(0).max(0.5).default(0),
  priority: z.number().int().min(-100).max(100).default(0),
  channel: z.enum(['inhouse', 'crowd']).default('inhouse'),
  /** Documents already in another batch of the project are left out unless this is false. */
  excludeUsed: z.boolean().default(true),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .optional(),
});

export type SamplingPlan = z.infer<typeof samplingSchema>;
export type CreateBatchInput = z.infer<typeof createBatchBody>;

export const batchParams = z.object({ batchId: z.coerce.number().int().positive() });

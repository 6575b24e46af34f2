import { z } from 'zod';

const bool = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

/** What to export and how; shared by the HTTP API (query string) and the CLI. */
export const exportOptionsSchema = z
  .object({
    format: z.enum(['jsonl', 'csv', 'parquet', 'hf']).default('jsonl'),
    batchId: z.coerce.number().int().positive().optional(),
    minConfidence: z.coerce.number().min(0).max(1).default(0),
    adjudicatedOnly: bool.default(false),
    excludeFlagged: bool.default(false),
    includeText: bool.default(true),
    /** Every raw judgment, with pseudonymized annotator ids, time spent and gold flags. */
    includeJudgments: bool.default(false),
    /** Train / validation / test shares; the rest of 1 after train and validation is test. */
    split: z
      .string()
      .regex(/^\d*\.?\d+,\d*\.?\d+,\d*\.?\d+$/, 'split: three shares like 0.8,0.1,0.1')
      .transform((s) => s.split(',').map(Number) as [number, number, number])
      .refine((s) => Math.abs(s[0] + s[1] + s[2] - 1) < 1e-6, 'split: shares must add up to 1')
      .optional(),
    /** Splits are stratified by this, so each split has the same label (or source) mix. */
    stratifyBy: z.enum(['label', 'source']).default('label'),
    seed: z.coerce.number().int().min(0).default(0),
  })
  .transform((o) => ({ ...o, split: o.split ?? (o.format === 'hf' ? ([0.8, 0.1, 0.1] as [number, number, number]) : undefined) }));

export type ExportOptions = z.infer<typeof exportOptionsSchema>;
export type ExportFormat = ExportOptions['format'];

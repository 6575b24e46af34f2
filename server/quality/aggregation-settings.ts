import { z } from 'zod';

/** A project's aggregation settings (stored under `settings.aggregation`); defaults fill what is absent. */
export const aggregationSettingsSchema = z.object({
  /** Categorical method; `auto` uses Dawid-Skene once there is enough data, majority vote before. */
  method: z.enum(['auto', 'mv', 'gold-weighted', 'wawa', 'ds', 'one-coin', 'mace', 'glad', 'ibcc', 'ebcc']).default('auto'),
  /** Items whose result is less certain than this go to the review queue. */
  reviewBelowConfidence: z.number().min(0).max(1).default(0.6),
  /** Open extra slots for low-confidence items (adaptive redundancy)… */
  adaptiveRedundancy: z.boolean().default(false),
  /** …up to this many judgments per item in all. */
  maxRedundancy: z.number().int().min(1).max(50).default(7),
});

export type AggregationSettings = z.infer<typeof aggregationSettingsSchema>;

/** The aggregation settings of a project's settings object. */
export function aggregationSettingsOf(settings: unknown): AggregationSettings {
  return aggregationSettingsSchema.parse((settings as { aggregation?: unknown } | null)?.aggregation ?? {});
}

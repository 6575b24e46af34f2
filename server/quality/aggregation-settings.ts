import { z } from 'zod';
import { categoricalMethodKeys } from '../aggregation/methods.ts';

/** A project's aggregation settings (stored under `settings.aggregation`); defaults fill what is absent. */
export const aggregationSettingsSchema = z.object({
  /**
   * Categorical method, a key of the method registry; `auto` chooses one per run by cross-validation on the answers, or
   * by accuracy on the project's gold items when it has enough (server/aggregation/auto-method.ts).
   */
  method: z.enum(['auto', ...categoricalMethodKeys]).default('auto'),
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

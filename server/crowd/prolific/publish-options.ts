import { z } from 'zod';
import { basePublishOptionsSchema } from '../channel.ts';

/** How a batch is published to Prolific: the common settings plus Prolific's own. */
export const prolificPublishOptionsSchema = basePublishOptionsSchema.extend({
  /** What Prolific shows participants, and what the minimum hourly pay is measured against. */
  estimatedCompletionMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
  /** Prolific's screening filters, passed through as its API takes them (e.g. {"filter_id": "current-country-of-residence", "selected_values": ["1"]}). */
  filters: z
    .array(z.object({ filter_id: z.string().min(1) }).passthrough())
    .max(50)
    .default([]),
  deviceCompatibility: z
    .array(z.enum(['desktop', 'mobile', 'tablet']))
    .min(1)
    .default(['desktop']),
});

export type ProlificPublishOptions = z.infer<typeof prolificPublishOptionsSchema>;

/** What drives a Prolific estimate. */
export const prolificEstimateOptionsSchema = prolificPublishOptionsSchema
  .pick({ itemsPerHit: true, reward: true, estimatedCompletionMinutes: true })
  .partial({ estimatedCompletionMinutes: true });

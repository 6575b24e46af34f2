import { z } from 'zod';
import { basePublishOptionsSchema } from '../channel.ts';

/** How a batch is published to MTurk: the common settings plus MTurk's own. */
export const mturkPublishOptionsSchema = basePublishOptionsSchema.extend({
  autoApprovalDelaySeconds: z
    .number()
    .int()
    .min(0)
    .max(30 * 24 * 3600)
    .default(3 * 24 * 3600),
  keywords: z.string().max(1000).default('data labeling, text quality'),
  qualifications: z
    .object({
      locales: z.array(z.string().regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/)).optional(),
      minApprovalRate: z.number().int().min(0).max(100).optional(),
      minApprovedHits: z.number().int().min(0).optional(),
      /** Only workers who passed our qualification test. */
      requireOurQualification: z.boolean().default(false),
    })
    .default({ requireOurQualification: false }),
  /** Split k >= 10 into HITs of at most 9 assignments, avoiding MTurk's 40% commission. */
  splitAtFeeCliff: z.boolean().default(false),
  masters: z.boolean().default(false),
});

export type MturkPublishOptions = z.infer<typeof mturkPublishOptionsSchema>;

/** What drives an MTurk estimate. */
export const mturkEstimateOptionsSchema = mturkPublishOptionsSchema
  .pick({ itemsPerHit: true, reward: true, masters: true, splitAtFeeCliff: true })
  .partial({ masters: true, splitAtFeeCliff: true });

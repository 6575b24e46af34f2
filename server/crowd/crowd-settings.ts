import { z } from 'zod';
import { moneyAmount } from './money.ts';
import { reviewPolicySchema, type ReviewPolicy } from './review-policy.ts';

/** A project's crowd settings (stored under `settings.crowd`): the review policy plus our qualification. */
export const crowdSettingsSchema = z.object({
  approveAtOrAbove: z.number().min(0).max(1).default(0.7),
  rejectBelow: z.number().min(0).max(1).default(0.4),
  minGold: z.number().int().min(0).default(1),
  holdOtherwise: z.boolean().default(true),
  bonus: z.object({ minAccuracy: z.number().min(0).max(1), amount: moneyAmount }).optional(),
  /** Our qualification type on the channel, created on first use. */
  qualificationTypeId: z.string().optional(),
  /** Gold accuracy that passes the qualification test. */
  qualificationPassMark: z.number().min(0).max(1).default(0.8),
});

export type CrowdSettings = z.infer<typeof crowdSettingsSchema>;

/** The crowd settings of a project's settings object, defaults filled in. */
export function crowdSettingsOf(settings: unknown): CrowdSettings {
  return crowdSettingsSchema.parse((settings as { crowd?: unknown } | null)?.crowd ?? {});
}

/** The review policy part, validated (rejectBelow ≤ approveAtOrAbove). */
export function reviewPolicyOf(settings: CrowdSettings): ReviewPolicy {
  return reviewPolicySchema.parse({
    approveAtOrAbove: settings.approveAtOrAbove,
    rejectBelow: settings.rejectBelow,
    minGold: settings.minGold,
    holdOtherwise: settings.holdOtherwise,
    bonus: settings.bonus,
  });
}

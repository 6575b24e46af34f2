// zod/mini, like money.ts: the crowd page parses a project's settings with crowdSettingsOf.
import { z } from '../../tasks/lib/zod.ts';
import { moneyAmount } from './money.ts';
import { fraction, reviewPolicySchema, type ReviewPolicy } from './review-policy.ts';

/** A project's crowd settings (stored under `settings.crowd`): the review policy plus our qualification. */
export const crowdSettingsSchema = z.object({
  approveAtOrAbove: z._default(fraction(), 0.7),
  rejectBelow: z._default(fraction(), 0.4),
  minGold: z._default(z.int().check(z.gte(0)), 1),
  holdOtherwise: z._default(z.boolean(), true),
  bonus: z.optional(z.object({ minAccuracy: fraction(), amount: moneyAmount })),
  /** Our qualification type on the channel, created on first use. */
  qualificationTypeId: z.optional(z.string()),
  /** Gold accuracy that passes the qualification test. */
  qualificationPassMark: z._default(fraction(), 0.8),
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

// zod/mini, like money.ts: the crowd page's client code reaches this module through crowd-settings.ts.
import { z } from '../../tasks/lib/zod.ts';
import { moneyAmount } from './money.ts';

/** A number from 0 to 1: a gold accuracy. */
export const fraction = () => z.number().check(z.gte(0), z.lte(1));

/** A project's automatic review policy for crowd assignments, judged on embedded gold items. */
export const reviewPolicySchema = z
  .object({
    /** Gold accuracy (0..1) at or above which the assignment is approved. */
    approveAtOrAbove: fraction(),
    /** Gold accuracy below which it is rejected (must be <= approveAtOrAbove). */
    rejectBelow: fraction(),
    /** Fewer gold answers than this is too little evidence to reject: hold or approve instead. */
    minGold: z.int().check(z.gte(0)),
    /** Between the thresholds (or with too little gold): hold for a human instead of approving. */
    holdOtherwise: z.boolean(),
    /** Bonus for approved work with gold accuracy at or above `minAccuracy`. */
    bonus: z.optional(z.object({ minAccuracy: fraction(), amount: moneyAmount })),
  })
  .check(z.refine((p) => p.rejectBelow <= p.approveAtOrAbove, { message: 'rejectBelow must not exceed approveAtOrAbove' }));
/** Validated review policy. */
export type ReviewPolicy = z.infer<typeof reviewPolicySchema>;

/** Gold results of one assignment. */
export interface GoldResult {
  correct: number;
  total: number;
}

/** What to do with a submission; `reason` is shown to the worker (MTurk RequesterFeedback, Prolific's message). */
export type ReviewDecision =
  | { action: 'approve'; reason: string; bonus?: { amount: string; reason: string } }
  | { action: 'reject'; reason: string }
  | { action: 'hold'; reason: string };

/** Decides approve / reject / hold for one assignment from its gold results. */
export function decideReview(gold: GoldResult, policy: ReviewPolicy): ReviewDecision {
  const p = reviewPolicySchema.parse(policy);
  if (!Number.isInteger(gold.correct) || !Number.isInteger(gold.total) || gold.correct < 0 || gold.correct > gold.total) {
    throw new Error(`Invalid gold result ${gold.correct}/${gold.total}`);
  }
  const undecided = (reason: string): ReviewDecision =>
    p.holdOtherwise ? { action: 'hold', reason } : { action: 'approve', reason: 'Thank you for your work.' };
  if (gold.total < p.minGold || gold.total === 0) {
    return undecided(`Too few check questions answered (${gold.total} of ${p.minGold} needed) for an automatic decision.`);
  }
  const accuracy = gold.correct / gold.total;
  const score = `${gold.correct} of ${gold.total} check questions correct`;
  if (accuracy >= p.approveAtOrAbove) {
    const decision: ReviewDecision = { action: 'approve', reason: `Thank you: ${score}.` };
    if (p.bonus && accuracy >= p.bonus.minAccuracy) decision.bonus = { amount: p.bonus.amount, reason: `Bonus for high accuracy: ${score}.` };
    return decision;
  }
  if (accuracy < p.rejectBelow) {
    return { action: 'reject', reason: `Rejected: only ${score}; at least ${Math.ceil(p.rejectBelow * gold.total)} were needed.` };
  }
  return undecided(`Held for manual review: ${score}.`);
}

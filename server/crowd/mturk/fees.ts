/**
 * MTurk fee math in integer cents.
 * Source: requester.mturk.com/pricing as summarised in /work/shared/MTURK.md §7.1:
 * 20% commission on reward and bonus; +20% on the reward (40% total) when MaxAssignments >= 10, bonuses stay 20%;
 * minimum $0.01 per assignment or bonus; Masters historically +5% (unverified); fees round half-up to the cent.
 */
import { centsToMoney, moneyToCents } from '../money.ts';
import type { PublishCostEstimate } from '../channel.ts';

/** Assignments per HIT at which the reward commission jumps from 20% to 40%. */
export const FEE_CLIFF_ASSIGNMENTS = 10;

/** Commission rate in basis points, so rates combine without floats. */
function commissionBasisPoints(kind: 'reward' | 'bonus', maxAssignments: number, masters: boolean): number {
  const cliff = kind === 'reward' && maxAssignments >= FEE_CLIFF_ASSIGNMENTS ? 2000 : 0;
  return 2000 + cliff + (masters ? 500 : 0);
}

/** Commission in cents for one payment: half-up rounding, never below one cent. */
export function commissionCents(paymentCents: number, basisPoints: number): number {
  return Math.max(1, Math.floor((paymentCents * basisPoints + 5000) / 10000));
}

/** MTurk's fee for approving one assignment of a HIT with `maxAssignments`. */
export function assignmentFeeCents(rewardCents: number, maxAssignments: number, masters = false): number {
  return commissionCents(rewardCents, commissionBasisPoints('reward', maxAssignments, masters));
}

/** MTurk's fee on one bonus payment (the 10-assignment surcharge does not apply to bonuses). */
export function bonusFeeCents(bonusCents: number, masters = false): number {
  return commissionCents(bonusCents, commissionBasisPoints('bonus', 0, masters));
}

/** Inputs of a publish-cost estimate. */
export interface PublishPlanCostInput {
  nItems: number;
  itemsPerHit: number;
  assignmentsPerHit: number;
  /** Reward per assignment as an MTurk money string. */
  reward: string;
  masters?: boolean;
}

/** Estimates what publishing a batch costs, and warns about the 10-assignment fee cliff. */
export function estimatePublishCost(input: PublishPlanCostInput): PublishCostEstimate {
  const { nItems, itemsPerHit, assignmentsPerHit } = input;
  for (const [name, value] of Object.entries({ nItems, itemsPerHit, assignmentsPerHit })) {
    if (!Number.isInteger(value) || value < (name === 'nItems' ? 0 : 1)) throw new Error(`${name} must be a positive integer, got ${value}`);
  }
  const rewardCents = moneyToCents(input.reward);
  const hitCount = Math.ceil(nItems / itemsPerHit);
  const assignmentCount = hitCount * assignmentsPerHit;
  const rewardTotal = rewardCents * assignmentCount;
  const fees = assignmentFeeCents(rewardCents, assignmentsPerHit, input.masters) * assignmentCount;
  const estimate: PublishCostEstimate = {
    hitCount,
    assignmentCount,
    rewardTotal: centsToMoney(rewardTotal),
    fees: centsToMoney(fees),
    grandTotal: centsToMoney(rewardTotal + fees),
  };
  return { ...estimate, ...feeCliffAdvice(rewardCents, assignmentsPerHit, assignmentCount, input.masters) };
}

/** The warning and cheaper split for HITs of `assignmentsPerHit` at or past the fee cliff; nothing below it. */
export function feeCliffAdvice(
  rewardCents: number,
  assignmentsPerHit: number,
  assignmentCount: number,
  masters = false,
): Pick<PublishCostEstimate, 'warning' | 'suggestion'> {
  if (assignmentsPerHit < FEE_CLIFF_ASSIGNMENTS) return {};
  const groups = Math.ceil(assignmentsPerHit / (FEE_CLIFF_ASSIGNMENTS - 1));
  const fees = assignmentFeeCents(rewardCents, assignmentsPerHit, masters) * assignmentCount;
  const splitFees = assignmentFeeCents(rewardCents, 1, masters) * assignmentCount;
  return {
    warning: `${assignmentsPerHit} assignments per HIT pays 40% commission instead of 20%.`,
    suggestion: `Split each HIT into ${groups} HITs of at most ${FEE_CLIFF_ASSIGNMENTS - 1} assignments: fees ${centsToMoney(splitFees)} instead of ${centsToMoney(fees)}.`,
  };
}

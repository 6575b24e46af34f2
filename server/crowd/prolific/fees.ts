/**
 * Prolific's pay rules in integer cents of the study currency. Source: /work/shared/PROLIFIC.md (researcher help
 * pages): a service fee on rewards and bonuses alike (about 33.33% in the help article; the current rate is not
 * verified, so it is configurable as PROLIFIC_SERVICE_FEE_PERCENT), and a minimum pay of £6 / $8 per hour
 * (PROLIFIC_MIN_HOURLY_CENTS, 800 by default: US dollars).
 */

/** Prolific's fee on one payment (reward or bonus): half-up rounding to the cent. */
export function serviceFeeCents(paymentCents: number, feePercent: number): number {
  return Math.floor((paymentCents * Math.round(feePercent * 100) + 5000) / 10000);
}

/** The hourly pay a reward makes for the estimated minutes, in cents per hour. */
export function hourlyCents(rewardCents: number, estimatedMinutes: number): number {
  return Math.floor((rewardCents * 60) / estimatedMinutes);
}

/** Why a reward is under the minimum hourly pay, or undefined when it is not. */
export function underMinimumPay(rewardCents: number, estimatedMinutes: number, minHourlyCents: number): string | undefined {
  const hourly = hourlyCents(rewardCents, estimatedMinutes);
  if (hourly >= minHourlyCents) return undefined;
  const needed = Math.ceil((minHourlyCents * estimatedMinutes) / 60);
  return `A reward of ${rewardCents} cents for ${estimatedMinutes} minutes pays ${hourly} cents an hour, under Prolific's minimum of ${minHourlyCents}: pay at least ${needed} cents`;
}

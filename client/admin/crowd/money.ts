import { centsToMoney } from '../../../server/crowd/money.ts';

/** Integer cents as dollars, the way MTurk bills them ("$0.12"). */
export function dollars(cents: number): string {
  return `$${centsToMoney(cents)}`;
}

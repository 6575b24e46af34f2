// zod/mini because the crowd page's client code imports this module (see tasks/lib/zod.ts for what classic costs).
import { z } from '../../tasks/lib/zod.ts';

/**
 * Money as both channels take it: a decimal string with at most two places ("0.25", MTurk's Reward, Prolific's bonus
 * CSV) and integer cents for arithmetic (Prolific's reward, our cost ledger).
 */
export const moneyAmount = z.string().check(z.regex(/^\d+(\.\d{1,2})?$/, 'Amounts are in dollars or pounds with at most two decimals, e.g. 0.25'));

/** Parses a money string ("0.05", "1", "12.50") to integer cents; rejects sub-cent precision. */
export function moneyToCents(amount: string): number {
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(amount.trim());
  if (!match) throw new Error(`Not a money amount: "${amount}"`);
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** Formats integer cents as a money string ("0.05"). */
export function centsToMoney(cents: number): string {
  if (!Number.isInteger(cents) || cents < 0) throw new Error(`Cents must be a non-negative integer, got ${cents}`);
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

import { describe, expect, it } from 'vitest';
import { crowdSettingsOf, reviewPolicyOf } from '../../../server/crowd/crowd-settings.ts';
import { moneyAmount } from '../../../server/crowd/money.ts';

// These schemas are zod/mini because the crowd page's client code parses with them: they must still fill defaults
// and refuse what the classic ones refused.
describe('crowd settings', () => {
  it('fills every default when a project has no crowd settings', () => {
    expect(crowdSettingsOf({})).toEqual({ approveAtOrAbove: 0.7, rejectBelow: 0.4, minGold: 1, holdOtherwise: true, qualificationPassMark: 0.8 });
    expect(crowdSettingsOf(null)).toEqual(crowdSettingsOf({ crowd: {} }));
  });

  it('keeps what is set and refuses out-of-range or fractional values', () => {
    const settings = crowdSettingsOf({ crowd: { approveAtOrAbove: 0.9, bonus: { minAccuracy: 1, amount: '0.25' }, qualificationTypeId: 'Q1' } });
    expect(settings).toMatchObject({ approveAtOrAbove: 0.9, rejectBelow: 0.4, bonus: { minAccuracy: 1, amount: '0.25' }, qualificationTypeId: 'Q1' });
    expect(() => crowdSettingsOf({ crowd: { rejectBelow: 1.5 } })).toThrow();
    expect(() => crowdSettingsOf({ crowd: { minGold: 1.5 } })).toThrow();
    expect(() => crowdSettingsOf({ crowd: { minGold: -1 } })).toThrow();
    expect(() => crowdSettingsOf({ crowd: { bonus: { minAccuracy: 0.9, amount: '0.255' } } })).toThrow(/at most two decimals/);
  });

  it('refuses a review policy that rejects above where it approves', () => {
    expect(reviewPolicyOf(crowdSettingsOf({}))).toEqual({ approveAtOrAbove: 0.7, rejectBelow: 0.4, minGold: 1, holdOtherwise: true });
    expect(() => reviewPolicyOf(crowdSettingsOf({ crowd: { approveAtOrAbove: 0.3, rejectBelow: 0.5 } }))).toThrow(
      /rejectBelow must not exceed approveAtOrAbove/,
    );
  });

  it('takes money as dollars with at most two decimals', () => {
    expect(moneyAmount.safeParse('12.50').success).toBe(true);
    expect(moneyAmount.safeParse('1').success).toBe(true);
    expect(moneyAmount.safeParse('1.234').success).toBe(false);
    expect(moneyAmount.safeParse('-1').success).toBe(false);
  });
});

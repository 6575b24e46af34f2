import { describe, expect, it } from 'vitest';
import { tokenBudgetApplies } from '../../../client/admin/export/token-budget.ts';

describe('token budget row', () => {
  it('applies where a keep threshold keeps texts to train on', () => {
    expect(tokenBudgetApplies('quality-rating')).toBe(true);
    expect(tokenBudgetApplies('synthetic-review')).toBe(true);
  });

  it('does not apply to pairwise preferences, nor to an unknown task type', () => {
    expect(tokenBudgetApplies('pairwise-preference')).toBe(false);
    expect(tokenBudgetApplies('no-such-task')).toBe(false);
  });
});

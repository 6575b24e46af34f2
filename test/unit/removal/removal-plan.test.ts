import { describe, expect, it } from 'vitest';
import { planRemoval } from '../../../server/removal/removal-plan.ts';

const none = { judgments: 0, crowdHits: 0, ledgerEntries: 0 };

describe('planRemoval', () => {
  it('deletes what holds no work', () => {
    expect(planRemoval('batch', none, 'refuse')).toEqual({ kind: 'delete' });
    expect(planRemoval('project', none, 'archive')).toEqual({ kind: 'delete' });
  });

  it('refuses a labeled batch, naming what it holds, unless asked to archive it', () => {
    const plan = planRemoval('batch', { ...none, judgments: 3 }, 'refuse');
    expect(plan).toMatchObject({ kind: 'refuse' });
    expect(plan.kind === 'refuse' && plan.message).toMatch(/holds 3 judgments.*archive/);
    expect(planRemoval('batch', { ...none, judgments: 3 }, 'archive')).toEqual({ kind: 'archive' });
  });

  it('keeps crowd work and payments even without judgments', () => {
    const plan = planRemoval('project', { judgments: 0, crowdHits: 1, ledgerEntries: 2 }, 'refuse');
    expect(plan.kind === 'refuse' && plan.message).toMatch(/1 crowd HIT, 2 payment records/);
  });
});

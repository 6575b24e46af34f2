import { describe, expect, it } from 'vitest';
import { encodeAnswers } from '../../../server/aggregation/encode.ts';
import { majorityVote } from '../../../server/aggregation/majority-vote.ts';

describe('encodeAnswers', () => {
  it('numbers labels in string order and items/workers by first appearance', () => {
    const e = encodeAnswers(['q2', 'q1', 'q2'], ['w9', 'w1', 'w1'], ['10', '9', 'b']);
    expect(e.labels.names).toEqual(['10', '9', 'b']);
    expect(e.items.names).toEqual(['q2', 'q1']);
    expect([...e.item]).toEqual([0, 1, 0]);
    expect([...e.worker]).toEqual([0, 1, 1]);
  });

  it('makes majority-vote ties go to the smallest label string, like crowd-kit', () => {
    const e = encodeAnswers(['t', 't', 'u', 'u', 'u'], ['a', 'b', 'a', 'b', 'c'], ['yes', 'no', 'yes', 'no', 'yes']);
    const mv = majorityVote({ nItems: 2, nWorkers: 3, nClasses: 2, item: e.item, worker: e.worker, label: e.label });
    expect(e.labels.names[mv.label[0]]).toBe('no');
    expect(mv.tied[0]).toBe(1);
    expect(mv.tied[1]).toBe(0);
    expect(mv.ties).toBe(1);
    expect(mv.tieBreak).toBe('lowest-class-index');
    expect(mv.confidence[1]).toBeCloseTo(2 / 3, 12);
  });
});

import { describe, expect, it } from 'vitest';
import { answerEncoder, encodeAnswers } from '../../../server/aggregation/encode.ts';
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

describe('answerEncoder', () => {
  it('encodes rows added one at a time past its first capacity, labels renumbered in string order at the end', () => {
    const encoder = answerEncoder();
    const labels = ['z', 'b', 'a'];
    for (let j = 0; j < 3000; j++) encoder.add(`item${j % 1500}`, `w${j % 7}`, labels[j % 3]);
    const e = encoder.finish();
    expect(e.item.length).toBe(3000);
    expect(e.labels.names).toEqual(['a', 'b', 'z']);
    expect(e.items.names.slice(0, 2)).toEqual(['item0', 'item1']);
    expect(e.items.index.get('item1499')).toBe(1499);
    for (const j of [0, 1, 2, 1023, 1024, 2999]) {
      expect(e.items.names[e.item[j]]).toBe(`item${j % 1500}`);
      expect(e.workers.names[e.worker[j]]).toBe(`w${j % 7}`);
      expect(e.labels.names[e.label[j]]).toBe(labels[j % 3]);
    }
  });

  it('gives an empty encoding when no row was added', () => {
    const e = answerEncoder().finish();
    expect([e.item.length, e.items.names.length, e.labels.names.length]).toEqual([0, 0, 0]);
  });
});

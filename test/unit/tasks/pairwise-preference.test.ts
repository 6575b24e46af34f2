import { describe, expect, it } from 'vitest';
import { contentChoice, pairwisePreference, screenOrder } from '../../../tasks/pairwise-preference/index.ts';

const config = pairwisePreference.configSchema.parse({});
const schema = pairwisePreference.judgmentSchema(config);

describe('pairwise screen order', () => {
  it('shows A on the left unless swapped', () => {
    expect(screenOrder(false)).toEqual({ left: 'A', right: 'B' });
    expect(screenOrder(true)).toEqual({ left: 'B', right: 'A' });
  });

  it('un-swaps the screen choice into the content choice', () => {
    expect(contentChoice('left', false)).toBe('A');
    expect(contentChoice('right', false)).toBe('B');
    expect(contentChoice('left', true)).toBe('B');
    expect(contentChoice('right', true)).toBe('A');
    expect(contentChoice('tie', true)).toBe('tie');
  });

  it('names a content choice that contradicts the order served', () => {
    expect(pairwisePreference.displayOrderProblem!({ screenChoice: 'left', choice: 'B' }, true)).toBeUndefined();
    expect(pairwisePreference.displayOrderProblem!({ screenChoice: 'left', choice: 'A' }, false)).toBeUndefined();
    expect(pairwisePreference.displayOrderProblem!({ screenChoice: 'tie', choice: 'tie' }, true)).toBeUndefined();
    expect(pairwisePreference.displayOrderProblem!({ screenChoice: 'left', choice: 'A' }, true)).toBe(
      'choice: left was response B in the order served, not A',
    );
    expect(pairwisePreference.displayOrderProblem!({ screenChoice: 'tie', choice: 'A' }, false)).toMatch(/was response tie/);
  });
});

describe('pairwise-preference config and payload', () => {
  it('defaults to ties allowed and an optional reason', () => {
    expect(config).toMatchObject({ allowTie: true, reason: 'optional' });
  });

  it('maps prompt, response_a and response_b', () => {
    const doc = { text: '', meta: { prompt: 'p', response_a: 'a', response_b: 'b' } };
    expect(pairwisePreference.payloadFromDocument(doc)).toEqual({ prompt: 'p', responseA: 'a', responseB: 'b' });
    const dpo = { text: JSON.stringify({ question: 'p', chosen: 'a', rejected: 'b' }), meta: {} };
    expect(pairwisePreference.payloadFromDocument(dpo, { prompt: 'question', response_a: 'chosen', response_b: 'rejected' })).toEqual({
      prompt: 'p',
      responseA: 'a',
      responseB: 'b',
    });
  });

  it('names the missing response', () => {
    expect(() => pairwisePreference.payloadFromDocument({ text: '', meta: { prompt: 'p', response_a: 'a' } })).toThrow(/"response_b"/);
  });
});

describe('pairwise-preference judgmentSchema', () => {
  it('accepts a choice with an optional reason', () => {
    expect(schema.safeParse({ screenChoice: 'left', choice: 'B' }).success).toBe(true);
    expect(schema.safeParse({ screenChoice: 'tie', choice: 'tie', reason: 'both fine' }).success).toBe(true);
  });

  it('rejects unknown choices, ties when disallowed and a missing required reason', () => {
    expect(schema.safeParse({ screenChoice: 'up', choice: 'A' }).success).toBe(false);
    const strict = pairwisePreference.judgmentSchema(pairwisePreference.configSchema.parse({ allowTie: false, reason: 'required' }));
    expect(strict.safeParse({ screenChoice: 'tie', choice: 'tie', reason: 'x' }).success).toBe(false);
    expect(strict.safeParse({ screenChoice: 'left', choice: 'A' }).success).toBe(false);
    expect(strict.safeParse({ screenChoice: 'left', choice: 'A', reason: 'more accurate' }).success).toBe(true);
  });
});

describe('pairwise-preference gold and aggregation', () => {
  it('compares content choices, half credit for a tie against a preference', () => {
    expect(pairwisePreference.compareWithGold({ screenChoice: 'right', choice: 'A' }, { choice: 'A' }, config)).toEqual({ correct: true, score: 1 });
    expect(pairwisePreference.compareWithGold({ screenChoice: 'tie', choice: 'tie' }, { choice: 'A' }, config)).toEqual({
      correct: false,
      score: 0.5,
    });
    expect(pairwisePreference.compareWithGold({ screenChoice: 'left', choice: 'B' }, { choice: 'A' }, config)).toEqual({ correct: false, score: 0 });
  });

  it('aggregates by content, whatever side it was shown on', () => {
    const label = (screenChoice: 'left' | 'right' | 'tie', swapped: boolean) =>
      pairwisePreference.toAggregationLabel({ screenChoice, choice: contentChoice(screenChoice, swapped) }, config);
    expect(label('left', false)).toBe(1);
    expect(label('right', true)).toBe(1);
    expect(label('left', true)).toBe(0);
    expect(label('tie', true)).toBe(0.5);
  });

  it('exports preference counts and left-side picks for position bias', () => {
    const judgments = [
      { screenChoice: 'left' as const, choice: 'A' as const },
      { screenChoice: 'left' as const, choice: 'B' as const },
      { screenChoice: 'tie' as const, choice: 'tie' as const },
    ];
    expect(pairwisePreference.exportRow({ payload: { prompt: '', responseA: '', responseB: '' }, judgments }, config)).toEqual({
      prefer_a: 1,
      prefer_b: 1,
      ties: 1,
      chose_left: 2,
    });
  });
});

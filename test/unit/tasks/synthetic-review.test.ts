import { describe, expect, it } from 'vitest';
import { editDistanceOf, syntheticReview } from '../../../tasks/synthetic-review/index.ts';

const config = syntheticReview.configSchema.parse({});
const schema = syntheticReview.judgmentSchema(config);
const payload = { prompt: 'Add 2 and 2.', response: '2 + 2 = 5' };

describe('synthetic-review config', () => {
  it('defaults to six error tags and tags required on reject', () => {
    expect(config.tags.map((t) => t.key)).toEqual(['factual', 'reasoning', 'off-prompt', 'unsafe', 'formatting', 'low-value']);
    expect(config.requireTagsOnReject).toBe(true);
  });

  it('refuses duplicate tag keys', () => {
    expect(
      syntheticReview.configSchema.safeParse({
        tags: [
          { key: 'x', label: 'X' },
          { key: 'x', label: 'Y' },
        ],
      }).success,
    ).toBe(false);
  });
});

describe('synthetic-review payloadFromDocument', () => {
  it('reads prompt, response and generator from meta', () => {
    const doc = { text: 'ignored', meta: { prompt: 'p', response: 'r', generator: 'llama-3-70b', generator_meta: { temperature: 0.7 } } };
    expect(syntheticReview.payloadFromDocument(doc)).toEqual({
      prompt: 'p',
      response: 'r',
      generator: 'llama-3-70b',
      generatorMeta: { temperature: 0.7 },
    });
  });

  it('reads a JSON text, with a mapping and dotted paths', () => {
    const doc = { text: JSON.stringify({ instruction: 'p', output: { text: 'r' } }), meta: {} };
    expect(syntheticReview.payloadFromDocument(doc, { prompt: 'instruction', response: 'output.text' })).toEqual({ prompt: 'p', response: 'r' });
  });

  it('falls back to plain text for the response', () => {
    expect(syntheticReview.payloadFromDocument({ text: 'plain answer', meta: { prompt: 'p' } }).response).toBe('plain answer');
  });

  it('names the missing field', () => {
    expect(() => syntheticReview.payloadFromDocument({ text: 'r', meta: {} })).toThrow(/synthetic-review: .*"prompt"/);
    expect(() => syntheticReview.payloadFromDocument({ text: 'r', meta: {} }, { prompt: 'question' })).toThrow(/"question"/);
  });
});

describe('synthetic-review judgmentSchema', () => {
  it('accepts the three decisions in their valid shapes', () => {
    expect(schema.safeParse({ decision: 'accept', tags: [] }).success).toBe(true);
    expect(schema.safeParse({ decision: 'reject', tags: ['factual', 'reasoning'] }).success).toBe(true);
    expect(schema.safeParse({ decision: 'needs-edit', tags: ['factual'], correctedText: '2 + 2 = 4' }).success).toBe(true);
  });

  it('requires corrected text for needs-edit and only there', () => {
    expect(schema.safeParse({ decision: 'needs-edit', tags: [] }).success).toBe(false);
    expect(schema.safeParse({ decision: 'needs-edit', tags: [], correctedText: '  ' }).success).toBe(false);
    expect(schema.safeParse({ decision: 'accept', tags: [], correctedText: 'x' }).success).toBe(false);
  });

  it('requires a tag on reject unless the config waives it', () => {
    expect(schema.safeParse({ decision: 'reject', tags: [] }).success).toBe(false);
    const lenient = syntheticReview.judgmentSchema(syntheticReview.configSchema.parse({ requireTagsOnReject: false }));
    expect(lenient.safeParse({ decision: 'reject', tags: [] }).success).toBe(true);
  });

  it('rejects unknown or repeated tags and unknown decisions', () => {
    expect(schema.safeParse({ decision: 'reject', tags: ['spelling'] }).success).toBe(false);
    expect(schema.safeParse({ decision: 'reject', tags: ['factual', 'factual'] }).success).toBe(false);
    expect(schema.safeParse({ decision: 'maybe', tags: [] }).success).toBe(false);
  });
});

describe('synthetic-review gold, aggregation and export', () => {
  it('scores the decision, then tag overlap when gold names tags', () => {
    expect(syntheticReview.compareWithGold({ decision: 'accept', tags: [] }, { decision: 'reject' }, config)).toEqual({ correct: false, score: 0 });
    expect(syntheticReview.compareWithGold({ decision: 'reject', tags: ['factual'] }, { decision: 'reject' }, config)).toEqual({
      correct: true,
      score: 1,
    });
    expect(
      syntheticReview.compareWithGold({ decision: 'reject', tags: ['factual'] }, { decision: 'reject', tags: ['factual', 'reasoning'] }, config),
    ).toEqual({
      correct: true,
      score: 0.75,
    });
  });

  it('maps decisions to class indices', () => {
    expect(syntheticReview.aggregationClasses?.(config)).toEqual(['accept', 'reject', 'needs-edit']);
    expect(
      ['accept', 'reject', 'needs-edit'].map((decision) => syntheticReview.toAggregationLabel({ decision: decision as 'accept', tags: [] }, config)),
    ).toEqual([0, 1, 2]);
    expect(syntheticReview.keepLabel?.(config)).toBe('accept');
  });

  it('exports votes, tag counts and the mean edit distance', () => {
    const edit = { decision: 'needs-edit' as const, tags: ['factual'], correctedText: '2 + 2 = 4' };
    expect(editDistanceOf(payload, edit)).toBe(1);
    expect(editDistanceOf(payload, { decision: 'accept', tags: [] })).toBeNull();
    const row = syntheticReview.exportRow({ payload, judgments: [edit, { decision: 'reject', tags: ['factual', 'reasoning'] }] }, config);
    expect(row).toEqual({
      accept_votes: 0,
      reject_votes: 1,
      needs_edit_votes: 1,
      tag_counts: { factual: 2, reasoning: 1 },
      mean_edit_distance: 1,
      corrected_texts: ['2 + 2 = 4'],
    });
    expect(syntheticReview.exportColumns(config).map((c) => c.name)).toEqual(Object.keys(row));
  });
});

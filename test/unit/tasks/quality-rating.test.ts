import { describe, expect, it } from 'vitest';
import { EXAMPLE_ASPECTS, qualityRating } from '../../../tasks/quality-rating/index.ts';

const defaults = qualityRating.configSchema.parse({});
const withExtras = qualityRating.configSchema.parse({ aspects: EXAMPLE_ASPECTS, keepDrop: true, rationale: 'required' });

describe('quality-rating config', () => {
  it('defaults to an additive 0-5 educational rubric with nothing else asked', () => {
    expect(defaults.scale).toEqual({ min: 0, max: 5 });
    expect(defaults.rubricStyle).toBe('additive');
    expect(defaults.rubric.map((r) => r.points)).toEqual([1, 2, 3, 4, 5]);
    expect(defaults).toMatchObject({ keepDrop: false, aspects: [], rationale: 'off' });
  });

  it('refuses scales without a digit key per point and duplicate aspects', () => {
    expect(qualityRating.configSchema.safeParse({ scale: { min: 0, max: 10 } }).success).toBe(false);
    expect(qualityRating.configSchema.safeParse({ scale: { min: 3, max: 3 } }).success).toBe(false);
    expect(qualityRating.configSchema.safeParse({ aspects: [EXAMPLE_ASPECTS[0], EXAMPLE_ASPECTS[0]] }).success).toBe(false);
  });
});

describe('quality-rating payloadFromDocument', () => {
  it('takes the text and plain provenance from meta', () => {
    const payload = qualityRating.payloadFromDocument({
      text: '<script>x</script> body',
      meta: { url: 'https://e.x', source: 'cc', language: 'en', tokens: 12, other: 1 },
    });
    expect(payload).toEqual({ text: '<script>x</script> body', url: 'https://e.x', source: 'cc', language: 'en', tokens: 12 });
  });

  it('shows odd provenance types as text and drops an unusable token count', () => {
    expect(qualityRating.payloadFromDocument({ text: 't', meta: { source: 42, tokens: 'many' } })).toEqual({ text: 't', source: '42' });
    expect(qualityRating.payloadFromDocument({ text: 't', meta: { tokens: '120' } })).toEqual({ text: 't', tokens: 120 });
  });

  it('keeps JSON-looking text as text unless a text field is mapped', () => {
    expect(qualityRating.payloadFromDocument({ text: '{"a":1}', meta: {} }).text).toBe('{"a":1}');
    expect(
      qualityRating.payloadFromDocument({ text: '', meta: { content: 'body', lang: 'fr' } }, { text: 'content', language: 'lang' }),
    ).toMatchObject({ text: 'body', language: 'fr' });
  });

  it('names a mapped field that is missing', () => {
    expect(() => qualityRating.payloadFromDocument({ text: '', meta: {} }, { text: 'content' })).toThrow(/"content"/);
  });
});

describe('quality-rating judgmentSchema', () => {
  const plain = qualityRating.judgmentSchema(defaults);
  const full = qualityRating.judgmentSchema(withExtras);
  const aspects = { coherence: 4, factual_reliability: 3, boilerplate: 0, toxicity: 0 };

  it('accepts a score on the scale', () => {
    expect(plain.safeParse({ score: 0 }).success).toBe(true);
    expect(plain.safeParse({ score: 5 }).success).toBe(true);
  });

  it('rejects scores off the scale or not integers, and fields the config does not ask for', () => {
    for (const score of [-1, 6, 2.5, '3']) expect(plain.safeParse({ score }).success).toBe(false);
    expect(plain.safeParse({ score: 3, rationale: 'x' }).success).toBe(false);
    expect(plain.safeParse({ score: 3, keep: true }).success).toBe(false);
  });

  it('requires every aspect within its own scale, keep/drop and the rationale when configured', () => {
    expect(full.safeParse({ score: 3, aspects, keep: true, rationale: 'clear tutorial' }).success).toBe(true);
    expect(full.safeParse({ score: 3, aspects: { ...aspects, toxicity: 3 }, keep: true, rationale: 'x' }).success).toBe(false);
    expect(full.safeParse({ score: 3, aspects: { ...aspects, spam: 1 }, keep: true, rationale: 'x' }).success).toBe(false);
    expect(full.safeParse({ score: 3, aspects: { coherence: 4 }, keep: true, rationale: 'x' }).success).toBe(false);
    expect(full.safeParse({ score: 3, aspects, rationale: 'x' }).success).toBe(false);
    expect(full.safeParse({ score: 3, aspects, keep: true, rationale: '   ' }).success).toBe(false);
  });
});

describe('quality-rating gold and aggregation', () => {
  it('gives exact matches full credit and partial credit by distance', () => {
    expect(qualityRating.compareWithGold({ score: 3 }, { score: 3 }, defaults)).toEqual({ correct: true, score: 1 });
    expect(qualityRating.compareWithGold({ score: 2 }, { score: 3 }, defaults)).toEqual({ correct: false, score: 0.8 });
    expect(qualityRating.compareWithGold({ score: 0 }, { score: 5 }, defaults)).toEqual({ correct: false, score: 0 });
  });

  it('counts a wrong keep/drop call as incorrect', () => {
    expect(qualityRating.compareWithGold({ score: 3, keep: false }, { score: 3, keep: true }, withExtras).correct).toBe(false);
  });

  it('validates gold answers on the scale', () => {
    expect(qualityRating.goldAnswerSchema(defaults).safeParse({ score: 4 }).success).toBe(true);
    expect(qualityRating.goldAnswerSchema(defaults).safeParse({ score: 9 }).success).toBe(false);
  });

  it('aggregates the primary score on the configured scale', () => {
    expect(qualityRating.aggregationKind).toBe('ordinal');
    expect(qualityRating.toAggregationLabel({ score: 4 }, defaults)).toBe(4);
    expect(qualityRating.aggregationScale?.(defaults)).toEqual({ min: 0, max: 5 });
  });

  it('exports means per scale and the keep fraction', () => {
    expect(qualityRating.exportColumns(withExtras).map((c) => c.name)).toEqual([
      'score_mean',
      'coherence_mean',
      'factual_reliability_mean',
      'boilerplate_mean',
      'toxicity_mean',
      'keep_fraction',
    ]);
    const row = qualityRating.exportRow(
      {
        payload: { text: '' },
        judgments: [
          { score: 2, aspects: { coherence: 4 }, keep: true },
          { score: 4, aspects: { coherence: 2 }, keep: false },
        ],
      },
      withExtras,
    );
    expect(row).toMatchObject({ score_mean: 3, coherence_mean: 3, toxicity_mean: null, keep_fraction: 0.5 });
  });

  it('lists one-keystroke scoring as its shortcut when nothing else is asked', () => {
    expect(qualityRating.shortcuts(defaults)).toEqual([{ key: '0–5', description: expect.stringContaining('submit') }]);
    expect(qualityRating.shortcuts(withExtras).map((s) => s.key)).toContain('Enter');
  });
});

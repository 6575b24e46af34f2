import { describe, expect, it } from 'vitest';
import { draftProblem } from '../../../tasks/lib/draft-problem.ts';
import { qualityRating } from '../../../tasks/quality-rating/index.ts';

const schema = qualityRating.judgmentSchema(qualityRating.configSchema.parse({ keepDrop: true }));

describe('draftProblem', () => {
  it('is null for a valid judgment', () => {
    expect(draftProblem(schema, { score: 2, keep: true })).toBeNull();
  });

  it('calls an unanswered field required and keeps other messages', () => {
    expect(draftProblem(schema, { score: 2 })).toBe('keep: required');
    expect(draftProblem(schema, { score: 7, keep: true })).toMatch(/^score: /);
  });
});

import { describe, expect, it } from 'vitest';
import { projectTaskType } from '../../../tasks/registry.ts';
import { TaskValueError } from '../../../tasks/project-task-type.ts';
import { qualityRating } from '../../../tasks/quality-rating/index.ts';

const quality = () => projectTaskType({ taskType: 'quality-rating', config: {} })!;

describe('a project task type (stored values as unknown)', () => {
  it('binds the config with its defaults and calls the typed methods', () => {
    const type = quality();
    expect(type.config).toEqual(qualityRating.configSchema.parse({}));
    expect(type.aggregationScale()).toEqual({ min: 0, max: 5 });
    expect(type.judgmentLabel({ score: 4 })).toBe(4);
    expect(type.goldLabel({ score: 2 })).toBe(2);
    expect(type.compareWithGold({ score: 3 }, { score: 3 })).toEqual({ correct: true, score: 1 });
    expect(type.shortcuts().length).toBeGreaterThan(0);
    expect(projectTaskType({ taskType: 'toString', config: {} })).toBeUndefined();
  });

  it('refuses a stored value that does not fit, naming what and where', () => {
    const type = quality();
    const refusal = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return error;
      }
      return undefined;
    };
    const badGold = refusal(() => type.compareWithGold({ score: 3 }, { score: 'three' }));
    expect(badGold).toBeInstanceOf(TaskValueError);
    expect(badGold).toMatchObject({ taskType: 'quality-rating', what: 'gold answer' });
    expect((badGold as Error).message).toMatch(/^quality-rating: a gold answer does not fit \(score: /);
    expect(refusal(() => type.judgmentLabel(null))).toMatchObject({ what: 'judgment' });
    expect(refusal(() => type.exportRow({ payload: {}, judgments: [{ score: 9 }] }))).toMatchObject({ what: 'judgment' });
    expect(refusal(() => projectTaskType({ taskType: 'synthetic-review', config: {} })!.editReview!.original({ text: 1 }))).toMatchObject({
      what: 'payload',
    });
    expect(refusal(() => projectTaskType({ taskType: 'quality-rating', config: { scale: { min: 3, max: 3 } } }))).toMatchObject({ what: 'config' });
  });

  it('checks incoming values with the config-bound schemas', () => {
    const type = projectTaskType({ taskType: 'pairwise-preference', config: { allowTie: false } })!;
    expect(type.judgmentSchema.safeParse({ screenChoice: 'tie', choice: 'tie' }).success).toBe(false);
    expect(type.goldAnswerSchema.safeParse({ choice: 'A' }).success).toBe(true);
    expect(type.displayOrderProblem({ screenChoice: 'left', choice: 'B' }, false)).toBeTypeOf('string');
  });
});

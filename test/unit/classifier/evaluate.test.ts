import { describe, expect, it } from 'vitest';
import { classScheme, evaluatePredictions, evaluateWithBaselines, labelName, schemeOf, spearman } from '../../../server/classifier/index.ts';

describe('classScheme', () => {
  it('makes 0-5 scores the classes 0..5 whichever occur, and puts the positive class of a pair last', () => {
    expect(classScheme(['3', '1', '4'])).toEqual({ classes: ['0', '1', '2', '3', '4'], values: [0, 1, 2, 3, 4] });
    expect(classScheme(['keep', 'drop'])).toEqual({ classes: ['drop', 'keep'], values: [0, 1] });
    expect(classScheme(['accept'])).toEqual({ classes: ['reject', 'accept'], values: [0, 1] });
    expect(schemeOf(['1', '2'])).toEqual({ classes: ['1', '2'], values: [1, 2] });
    expect([labelName(2.6), labelName(true), labelName(' keep '), labelName(null)]).toEqual(['3', 'keep', 'keep', undefined]);
  });
});

describe('spearman', () => {
  it('is the correlation of ranks, ties at their mean rank, and null for a constant', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    // ranks x: 1 2 3 4 ; y: 1.5 1.5 3 4 -> Pearson of those.
    expect(spearman([1, 2, 3, 4], [5, 5, 6, 7])).toBeCloseTo(0.9486832980505138, 12);
    expect(spearman([2, 2, 2], [1, 2, 3])).toBeNull();
  });
});

describe('evaluatePredictions', () => {
  const scheme = schemeOf(['0', '1', '2']);
  // truth 0 0 1 2 ; predicted classes 0 1 1 2 ; expected values 0.2 0.8 1.1 1.9
  const probabilities = [
    [0.8, 0.2, 0],
    [0.2, 0.8, 0],
    [0, 0.9, 0.1],
    [0, 0.1, 0.9],
  ];
  const report = evaluatePredictions(probabilities, [0, 0, 1, 2], scheme);

  it('gives per-class precision, recall and F1 and the accuracy', () => {
    expect(report.accuracy).toBe(0.75);
    expect(report.perClass[0]).toMatchObject({ precision: 1, recall: 0.5, support: 2 });
    expect(report.perClass[0].f1).toBeCloseTo(2 / 3, 12);
    expect(report.perClass[1]).toMatchObject({ precision: 0.5, recall: 1, support: 1 });
    expect(report.perClass[2]).toMatchObject({ precision: 1, recall: 1, f1: 1 });
    expect(report.macroF1).toBeCloseTo((2 / 3 + 2 / 3 + 1) / 3, 12);
    expect(report.mae).toBeCloseTo((0.2 + 0.8 + 0.1 + 0.1) / 4, 12);
  });

  it('gives keep precision and recall at each threshold, the expected value rounded', () => {
    // keep >= 1: predicted 0.8, 1.1, 1.9 (>= 0.5), truly 1 and 2 -> precision 2/3, recall 1.
    expect(report.keep[0]).toMatchObject({ threshold: 1, precision: 2 / 3, recall: 1, keptShare: 0.75, trueShare: 0.5 });
    // keep >= 2: predicted 1.9 only (>= 1.5), truly 2 -> 1 and 1.
    expect(report.keep[1]).toMatchObject({ threshold: 2, precision: 1, recall: 1 });
  });
});

describe('evaluateWithBaselines', () => {
  // Long documents are the good ones: the length-only model sees it, the majority class cannot rank anything.
  const texts = Array.from({ length: 60 }, (_, i) => 'w '.repeat(i % 2 ? 200 : 5));
  const truth = texts.map((_, i) => i % 2);
  const scheme = schemeOf(['0', '1']);
  const perfect = truth.map((t) => (t ? [0.1, 0.9] : [0.9, 0.1]));

  it('fits the length model on the training texts, or cross-fits it on the held-out ones', () => {
    for (const training of [{ texts, truth }, { classShares: [0.5, 0.5] }]) {
      const report = evaluateWithBaselines(perfect, { texts, truth }, scheme, training);
      expect(report.model.accuracy).toBe(1);
      expect(report.length.spearman).toBeCloseTo(1, 6);
      expect(report.length.accuracy).toBe(1);
      expect(report.majority.spearman).toBeNull();
      expect(report.majority.accuracy).toBe(0.5);
    }
  });
});

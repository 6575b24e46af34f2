import { describe, expect, it } from 'vitest';
import {
  classifierTrainingSchema,
  expectedAtThreshold,
  splitTrainingSet,
  trainAndEvaluate,
  type LabeledDocument,
} from '../../../server/filtering/classifier-training-set.ts';

const good = [
  'lecture notes on photosynthesis and the calvin cycle',
  'a proof of the theorem with lemma and corollary',
  'the chapter explains enzyme kinetics',
];
const bad = ['buy cheap pills now click here', 'casino bonus free spins click', 'hot deals click now limited offer'];

function corpus(n: number): LabeledDocument[] {
  return Array.from({ length: n }, (_, i) => {
    const keep = i % 2 === 0;
    const text = `${(keep ? good : bad)[i % 3]} ${i}`;
    return { text, label: keep ? 'keep' : 'drop', confidence: 0.5 + (i % 5) / 10, reference: i % 10 === 0 ? (keep ? 'keep' : 'drop') : null };
  });
}

describe('splitTrainingSet', () => {
  it('holds out the settled documents first, then a seeded sample, and weighs the rest by confidence', () => {
    const docs = corpus(100);
    const set = splitTrainingSet(docs, { heldOutShare: 0.2, seed: 7 });
    expect(set.scheme.classes).toEqual(['drop', 'keep']);
    expect(set.heldOut).toHaveLength(20);
    expect(set.train).toHaveLength(80);
    expect(set.heldOut.filter((d) => d.reference)).toHaveLength(10);
    const heldTexts = new Set(set.heldOut.map((d) => d.text));
    expect(set.train.some((e) => heldTexts.has(e.text))).toBe(false);
    expect(set.train.every((e) => e.weight! >= 0.5 && e.weight! <= 0.9)).toBe(true);
    expect(splitTrainingSet(docs, { heldOutShare: 0.2, seed: 7 })).toEqual(set);
    expect(splitTrainingSet(docs, { heldOutShare: 0.2, seed: 8 }).heldOut).not.toEqual(set.heldOut);
  });

  it('holds out no more settled documents than the share asks', () => {
    const docs = corpus(100).map((d) => ({ ...d, reference: d.label }));
    const set = splitTrainingSet(docs, { heldOutShare: 0.1, seed: 1 });
    expect(set.heldOut).toHaveLength(10);
    expect(set.train).toHaveLength(90);
  });
});

describe('trainAndEvaluate', () => {
  it('beats the majority baseline on separable text and reports held-out precision/recall at a threshold', () => {
    const training = classifierTrainingSchema.parse({ bucket: 1 << 12, dim: 8, epoch: 20, lr: 0.5, minCount: 1, seed: 3 });
    const set = splitTrainingSet(corpus(200), training);
    const { model, report } = trainAndEvaluate(set, training);
    expect(model.labels).toEqual(['drop', 'keep']);
    expect(report.model.n).toBe(40);
    expect(report.model.accuracy).toBeGreaterThan(0.9);
    expect(report.majority.accuracy).toBeLessThan(0.7);
    expect(report.length.n).toBe(40);
    const at = expectedAtThreshold(report.heldOut, 0.5);
    expect(at.precision).toBeGreaterThan(0.9);
    expect(at.recall).toBeGreaterThan(0.9);
    expect(trainAndEvaluate(set, training).report).toEqual(report);
  });
});

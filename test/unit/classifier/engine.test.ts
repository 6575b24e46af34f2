import { describe, expect, it } from 'vitest';
import { createScorer, predict, readFastTextBin, trainClassifier, trainingLine, writeFastTextBin } from '../../../server/classifier/index.ts';
import { MAX_NGRAM_WEIGHTS, optionsProblem } from '../../../server/classifier/model.ts';
import { fnv1a } from '../../../server/classifier/dictionary.ts';
import { syntheticExamples } from './synthetic.ts';

const LABELS = ['0', '1', '2'];

function accuracy(model: ReturnType<typeof trainClassifier>, examples: { text: string; label: string }[]): number {
  const score = createScorer(model);
  let hits = 0;
  for (const e of examples) {
    const p = score(e.text);
    if (String(p.indexOf(Math.max(...p))) === e.label) hits++;
  }
  return hits / examples.length;
}

describe('fastText hashing', () => {
  it('is 32-bit FNV-1a over the bytes, a byte >= 0x80 taken as a signed char', () => {
    // Published FNV-1a test vectors.
    expect(fnv1a(Buffer.from(''))).toBe(0x811c9dc5);
    expect(fnv1a(Buffer.from('a'))).toBe(0xe40c292c);
    expect(fnv1a(Buffer.from('foobar'))).toBe(0xbf9cf968);
    // fastText XORs int8_t(c) widened to 32 bits: 0xe9 becomes 0xffffffe9, not the FNV standard's 0xe9.
    const signed = Math.imul(0x811c9dc5 ^ 0xffffffe9, 16777619) >>> 0;
    expect(fnv1a(Buffer.from([0xe9]))).toBe(signed);
  });
});

describe('trainClassifier', () => {
  const train = syntheticExamples(1500, 1);
  const test = syntheticExamples(500, 2);

  it('learns the classes', () => {
    expect(accuracy(trainClassifier(train, LABELS, { epoch: 5 }), test)).toBeGreaterThan(0.9);
  });

  it('gives the same bits for the same seed and others for another', () => {
    const a = writeFastTextBin(trainClassifier(train, LABELS, { epoch: 2, seed: 5 }));
    const b = writeFastTextBin(trainClassifier(train, LABELS, { epoch: 2, seed: 5 }));
    const c = writeFastTextBin(trainClassifier(train, LABELS, { epoch: 2, seed: 6 }));
    expect(a.equals(b)).toBe(true);
    expect(a.equals(c)).toBe(false);
  });

  it('scales each step by the weight: examples of weight 0 teach nothing, even all mislabeled', () => {
    const flipped = train.map((e) => ({ text: e.text, label: String((Number(e.label) + 1) % 3), weight: 0 }));
    const model = trainClassifier([...train, ...flipped], LABELS, { epoch: 5 });
    expect(accuracy(model, test)).toBeGreaterThan(0.9);
    const heavy = trainClassifier([...train, ...flipped.map((e) => ({ ...e, weight: 3 }))], LABELS, { epoch: 5 });
    expect(accuracy(heavy, test)).toBeLessThan(0.5);
  });

  it('reports progress up to the total, with the learning rate decaying to 0', () => {
    const seen: { done: number; total: number; lr: number }[] = [];
    trainClassifier(train, LABELS, { epoch: 2 }, (p) => seen.push(p));
    expect(seen.at(-1)!.done).toBe(3000);
    expect(seen.at(-1)!.total).toBe(3000);
    expect(seen[0].lr).toBeGreaterThan(0.45);
    expect(seen.at(-1)!.lr).toBeLessThan(0.01);
  });

  it('refuses a label outside the classes and a negative weight', () => {
    expect(() => trainClassifier([{ text: 'a', label: '7' }], LABELS)).toThrow(/label "7"/);
    expect(() => trainClassifier([{ text: 'a', label: '1', weight: -1 }], LABELS)).toThrow(/weights/);
  });
});

describe('the fastText .bin', () => {
  it('reads back to the same model, byte for byte and prediction for prediction', () => {
    const model = trainClassifier(syntheticExamples(300, 3), LABELS, { epoch: 2, wordNgrams: 2, bucket: 1000, minn: 2, maxn: 3 });
    const bin = writeFastTextBin(model);
    const back = readFastTextBin(bin);
    expect(writeFastTextBin(back).equals(bin)).toBe(true);
    expect(back.labels).toEqual(LABELS);
    for (const text of ['court appeal café', 'theorem 東京 proof', '']) expect(predict(back, text)).toEqual(predict(model, text));
  });

  it('refuses what is not a supervised fastText model', () => {
    expect(() => readFastTextBin(Buffer.alloc(16))).toThrow(/signature/);
    const bin = writeFastTextBin(trainClassifier(syntheticExamples(50, 4), LABELS, { epoch: 1 }));
    expect(() => readFastTextBin(bin.subarray(0, bin.length - 10))).toThrow(/truncated/);
  });
});

describe('trainingLine', () => {
  it('writes __label__<class> and the text on one line, without tokens fastText would read as labels', () => {
    expect(trainingLine({ text: 'Hello\nworld\t __label__5 end', label: '3' })).toBe('__label__3 Hello world end\n');
  });
});

describe('options that cannot fit in memory', () => {
  it('are refused when the n-gram rows would pass the bound, and only when n-grams are on', () => {
    const words = { wordNgrams: 1, maxn: 0, dim: 512, bucket: 2 ** 31 - 1 };
    expect(optionsProblem(words)).toBeNull();
    expect(optionsProblem({ ...words, wordNgrams: 2 })).toMatch(/bucket x dim/);
    expect(optionsProblem({ ...words, maxn: 5, bucket: MAX_NGRAM_WEIGHTS / 512 })).toBeNull();
    expect(() => trainClassifier([{ text: 'a b', label: '0' }], LABELS, { wordNgrams: 2, bucket: 2 ** 31 - 1, dim: 512 })).toThrow(/bucket x dim/);
  });
});

import { describe, expect, it } from 'vitest';
import { aggregateObservations, type Observation } from '../../../server/quality/aggregate-observations.ts';
import { aggregationSettingsOf } from '../../../server/quality/aggregation-settings.ts';
import { seededRandom } from '../../../server/aggregation/random.ts';
import { chooseMethod } from '../../../server/aggregation/auto-method.ts';
import { categoricalMethods } from '../../../server/aggregation/methods.ts';

const settings = aggregationSettingsOf({});

describe('aggregateObservations', () => {
  it('categorical: majority vote for little data, named labels, a confidence that shows how little is known', () => {
    const obs: Observation[] = [
      { itemId: 10, workerKey: 'u:1', value: 0, seconds: 5, batchId: 1 },
      { itemId: 10, workerKey: 'u:2', value: 0, seconds: 5, batchId: 1 },
      { itemId: 10, workerKey: 'u:3', value: 1, seconds: 5, batchId: 1 },
      { itemId: 11, workerKey: 'u:1', value: 2, seconds: 5, batchId: 1 },
    ];
    const out = aggregateObservations({
      kind: 'categorical',
      observations: obs,
      classes: ['accept', 'reject', 'needs-edit'],
      gold: new Map(),
      settings,
    });
    expect(out.items).toEqual([
      expect.objectContaining({ itemId: 10, label: 'accept', method: 'majority-vote', nJudgments: 3 }),
      expect.objectContaining({ itemId: 11, label: 'needs-edit', nJudgments: 1 }),
    ]);
    // Two of three answers, and one answer alone from a worker seen once: neither is near certain, and one answer
    // (below the 0.6 review threshold) is the less sure.
    const [twoOfThree, alone] = out.items.map((r) => r.confidence);
    expect(twoOfThree).toBeGreaterThan(0.5);
    expect(twoOfThree).toBeLessThan(0.8);
    expect(alone).toBeLessThan(Math.min(twoOfThree, 0.6));
    expect(out.workers.map((w) => w.workerKey).sort()).toEqual(['u:1', 'u:2', 'u:3']);
    expect(out.agreement).toMatchObject({ judgments: 4, items: 2, workers: 3 });
  });

  it('categorical auto names the method it chose on every item and down-weights a spammer', () => {
    const rand = seededRandom(3);
    const obs: Observation[] = [];
    for (let item = 0; item < 60; item++) {
      const truth = item % 2;
      for (const w of ['good1', 'good2', 'good3'])
        obs.push({ itemId: item, workerKey: w, value: rand() < 0.9 ? truth : 1 - truth, seconds: 10, batchId: 1 });
      obs.push({ itemId: item, workerKey: 'spam', value: 1, seconds: 1, batchId: 1 });
    }
    const out = aggregateObservations({ kind: 'categorical', observations: obs, classes: ['keep', 'drop'], gold: new Map(), settings });
    const workers = ['good1', 'good2', 'good3', 'spam'];
    const chosen = chooseMethod({
      nItems: 60,
      nWorkers: workers.length,
      nClasses: 2,
      item: Int32Array.from(obs, (o) => o.itemId),
      worker: Int32Array.from(obs, (o) => workers.indexOf(o.workerKey)),
      label: Int32Array.from(obs, (o) => o.value),
    }).method;
    expect(new Set(out.items.map((r) => r.method))).toEqual(new Set([categoricalMethods[chosen].name]));
    const correct = out.items.filter((r) => r.label === (r.itemId % 2 ? 'drop' : 'keep')).length;
    expect(correct).toBeGreaterThanOrEqual(57);
    const spam = out.workers.find((w) => w.workerKey === 'spam')!;
    expect(spam.flags.map((f) => f.code)).toContain('dominant-label');
  });

  it('ordinal: corrects a biased annotator and reports an interval inside the scale', () => {
    const obs: Observation[] = [];
    for (let item = 0; item < 30; item++) {
      const truth = item % 6;
      obs.push({ itemId: item, workerKey: 'a', value: truth, seconds: 10, batchId: 1 });
      obs.push({ itemId: item, workerKey: 'b', value: truth, seconds: 10, batchId: 1 });
      obs.push({ itemId: item, workerKey: 'high', value: Math.min(5, truth + 1), seconds: 10, batchId: 1 });
    }
    const out = aggregateObservations({ kind: 'ordinal', observations: obs, scale: { min: 0, max: 5 }, gold: new Map(), settings });
    for (const r of out.items) {
      expect(r.low!).toBeLessThanOrEqual(r.score!);
      expect(r.high!).toBeGreaterThanOrEqual(r.score!);
      expect(r.low!).toBeGreaterThanOrEqual(0);
      expect(r.high!).toBeLessThanOrEqual(5);
      expect(Math.abs(r.score! - (r.itemId % 6))).toBeLessThan(0.6);
    }
    expect(out.agreement.alphaOrdinal).not.toBeNull();
    expect(out.classes).toEqual(['0', '1', '2', '3', '4', '5']);
  });

  it('pairwise: un-swaps display order, estimates position bias, labels the preferred response', () => {
    const rand = seededRandom(9);
    const obs: Observation[] = [];
    for (let item = 0; item < 40; item++) {
      for (let w = 0; w < 5; w++) {
        const swapped = rand() < 0.5;
        // A is better on even items; annotators also lean to whatever is on the left.
        const pLeftWins = 1 / (1 + Math.exp(-((item % 2 === 0 ? 1.5 : -1.5) * (swapped ? -1 : 1) + 1)));
        const leftWon = rand() < pLeftWins;
        const aWon = swapped ? !leftWon : leftWon;
        obs.push({ itemId: item, workerKey: `w${w}`, value: aWon ? 1 : 0, seconds: 8, swapped, batchId: 1 });
      }
    }
    const out = aggregateObservations({ kind: 'pairwise', observations: obs, gold: new Map(), settings });
    expect(out.positionBias!).toBeGreaterThan(0.3);
    const right = out.items.filter((r) => r.label === (r.itemId % 2 === 0 ? 'A' : 'B')).length;
    expect(right).toBeGreaterThanOrEqual(32);
    for (const r of out.items) expect(r.confidence).toBeGreaterThanOrEqual(0.5);
  });

  it('uses gold answers for gold accuracy', () => {
    const obs: Observation[] = [
      { itemId: 1, workerKey: 'x', value: 1, seconds: 4, batchId: 1 },
      { itemId: 2, workerKey: 'x', value: 0, seconds: 4, batchId: 1 },
    ];
    const out = aggregateObservations({
      kind: 'categorical',
      observations: obs,
      classes: ['a', 'b'],
      gold: new Map([
        [1, 1],
        [2, 1],
      ]),
      settings,
    });
    expect(out.workers[0]).toMatchObject({ goldAnswers: 2, goldAccuracy: 0.5 });
  });

  it('reports agreement per batch and per rated aspect', () => {
    const obs: Observation[] = [];
    for (let item = 0; item < 20; item++) {
      // Batch 1: both annotators always agree. Batch 2: the second annotator answers at random.
      const batchId = item < 10 ? 1 : 2;
      const truth = item % 6;
      const other = batchId === 1 ? truth : (truth + 1 + (item % 5)) % 6;
      obs.push({ itemId: item, workerKey: 'a', value: truth, seconds: 9, batchId, aspects: { coherence: 1 + (item % 5) } });
      // The aspect is answered identically by both, except where one annotator left it unscored.
      obs.push({ itemId: item, workerKey: 'b', value: other, seconds: 9, batchId, aspects: item % 4 === 0 ? {} : { coherence: 1 + (item % 5) } });
    }
    const out = aggregateObservations({
      kind: 'ordinal',
      observations: obs,
      scale: { min: 0, max: 5 },
      aspects: [{ key: 'coherence', label: 'Coherence', scale: { min: 1, max: 5 } }],
      gold: new Map(),
      settings,
    });
    expect(out.agreementByBatch.map((b) => b.batchId)).toEqual([1, 2]);
    const [first, second] = out.agreementByBatch.map((b) => b.agreement);
    expect(first).toMatchObject({ judgments: 20, items: 10, workers: 2, percentAgreement: 1 });
    expect(first.alphaOrdinal).toBeCloseTo(1, 12);
    expect(second.percentAgreement).toBe(0);
    expect(second.alphaNominal!).toBeLessThan(0);
    // The project figure lies between its batches'.
    expect(out.agreement.alphaNominal!).toBeGreaterThan(second.alphaNominal!);
    expect(out.agreement.alphaNominal!).toBeLessThan(1);

    expect(out.agreementByAspect).toHaveLength(1);
    const coherence = out.agreementByAspect[0];
    expect(coherence).toMatchObject({ key: 'coherence', label: 'Coherence' });
    expect(coherence.agreement).toMatchObject({ judgments: 35, items: 20, workers: 2, percentAgreement: 1 });
    expect(coherence.agreement.alphaInterval).toBeCloseTo(1, 12);
    expect(out.edits).toBeNull();
  });

  it('summarises edit reviews when the task reviews generated text', () => {
    const obs: Observation[] = [
      { itemId: 1, workerKey: 'a', value: 0, seconds: 5, batchId: 1 },
      { itemId: 1, workerKey: 'b', value: 2, seconds: 5, batchId: 1 },
    ];
    const out = aggregateObservations({
      kind: 'categorical',
      observations: obs,
      classes: ['accept', 'reject', 'needs-edit'],
      gold: new Map(),
      settings,
      editReviews: [
        { accepted: true },
        { accepted: false, errorTags: ['factual'], correction: { original: 'The sun is cold.', corrected: 'The sun is hot.' } },
      ],
    });
    expect(out.edits).toMatchObject({ reviews: 2, acceptRate: 0.5, correctedRate: 0.5, errorTags: [{ tag: 'factual', count: 1, share: 0.5 }] });
    expect(out.edits!.editDistance.mean).toBe(3);
  });
});

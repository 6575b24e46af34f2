import { beforeAll, describe, expect, it } from 'vitest';
import { accuracy, crowdKit, haveCrowdData, loadCrowdDataset, reportMissingCrowdData } from './crowd-datasets.ts';
import type { CrowdDataset } from './crowd-datasets.ts';
import { autoCandidates, chooseMethod } from '../../../server/aggregation/auto-method.ts';
import { categoricalMethods } from '../../../server/aggregation/methods.ts';
import { seededRandom } from '../../../server/aggregation/random.ts';
import { simulateCrowd } from '../../../server/aggregation/synthetic-crowd.ts';
import type { CategoricalJudgments } from '../../../server/aggregation/types.ts';

const noGold = (data: CategoricalJudgments) => new Int32Array(data.nItems).fill(-1);
const accuracyOf = (data: CategoricalJudgments, method: (typeof autoCandidates)[number], truth: Int32Array) =>
  accuracy(categoricalMethods[method].fit(data, noGold(data)).label, truth);

describe('auto on simulated crowds where the right choice is known', () => {
  // Few answers per worker over five classes: a full confusion matrix per worker is mostly prior, while the
  // generating model has one skill per worker; Dawid-Skene is the fallback and must be left.
  const sparse = simulateCrowd({ nItems: 1000, judgmentsPerItem: 3, nWorkers: 600, nClasses: 5, seed: 3, mix: { regular: 0.7, spammer: 0.3 } });
  // A quarter of the workers answer the next class: only a confusion matrix can read them; skill models cannot.
  const adversarial = simulateCrowd({
    nItems: 1500,
    judgmentsPerItem: 5,
    nWorkers: 30,
    nClasses: 3,
    seed: 4,
    mix: { regular: 0.75, adversary: 0.25 },
  });

  it.each([
    ['sparse workers', sparse],
    ['adversaries', adversarial],
  ])('%s: auto is within a point of the most accurate candidate, from the answers alone', (_, crowd) => {
    const choice = chooseMethod(crowd.judgments);
    const best = Math.max(...autoCandidates.map((m) => accuracyOf(crowd.judgments, m, crowd.truth)));
    expect(choice.evidence).toBe('held-out answers');
    expect(accuracy(choice.result.label, crowd.truth)).toBeGreaterThanOrEqual(best - 0.01);
  });

  it('leaves Dawid-Skene when it overfits sparse workers, and keeps a confusion model for adversaries', () => {
    const ds = accuracyOf(sparse.judgments, 'ds', sparse.truth);
    const choice = chooseMethod(sparse.judgments);
    expect(choice.fallback).toBe('ds');
    expect(choice.method).not.toBe('ds');
    expect(accuracy(choice.result.label, sparse.truth)).toBeGreaterThan(ds + 0.02);
    expect(['ds', 'ibcc']).toContain(chooseMethod(adversarial.judgments).method);
  });

  it('scores every candidate by its accuracy on the gold it is given, when there is enough', () => {
    const gold = Int32Array.from(sparse.truth, (t, i) => (i % 5 === 0 ? t : -1));
    const choice = chooseMethod(sparse.judgments, { gold });
    expect(choice.evidence).toBe('gold');
    for (const score of choice.scores) {
      expect(score.heldOutLogLikelihood).toBeNull();
      expect(score.goldAccuracy).toBeCloseTo(accuracyOf(sparse.judgments, score.method, gold), 12);
    }
    const few = Int32Array.from(gold, (t, i) => (i < 50 ? t : -1));
    expect(chooseMethod(sparse.judgments, { gold: few }).evidence).toBe('held-out answers');
  });

  it('is the same for the same seed, and searches a bounded sample of whole items', () => {
    const a = chooseMethod(sparse.judgments, { seed: 5 });
    expect(chooseMethod(sparse.judgments, { seed: 5 }).scores).toEqual(a.scores);
    const bounded = chooseMethod(sparse.judgments, { maxAnswers: 1200 });
    expect(bounded.searchedAnswers).toBeLessThanOrEqual(1200);
    expect(bounded.searchedAnswers).toBeGreaterThan(1100);
    expect(bounded.result.label).toHaveLength(sparse.judgments.nItems);
    expect(Math.min(...bounded.result.label)).toBeGreaterThanOrEqual(0);
  });

  it('takes majority vote on data too thin for any model', () => {
    const tiny = simulateCrowd({ nItems: 6, judgmentsPerItem: 3, nWorkers: 5, nClasses: 2, seed: 1, mix: { regular: 1 } });
    const choice = chooseMethod(tiny.judgments);
    expect(choice.fallback).toBe('mv');
    expect(choice.result.label).toHaveLength(6);
  });
});

// crowd-kit v1.4.1's best accuracy per dataset over MV, Wawa, DS, one-coin DS and MACE, picked after seeing all the
// gold.
const crowdKitBest: Record<string, number> = Object.fromEntries(Object.entries(crowdKit).map(([name, figures]) => [name, Math.max(...figures)]));
const names = Object.keys(crowdKitBest);
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/**
 * auto given half of the gold (items split at random) and scored on the other half, then the halves swapped: every
 * gold item is scored by a choice that never saw it.
 */
function crossFitAccuracy(dataset: CrowdDataset): number {
  const random = seededRandom(3);
  const half = Int32Array.from(dataset.gold, () => (random() < 0.5 ? 0 : 1));
  let hits = 0;
  let scored = 0;
  for (const h of [0, 1]) {
    const given = Int32Array.from(dataset.gold, (g, i) => (half[i] === h ? g : -1));
    const { label } = chooseMethod(dataset.judgments, { gold: given }).result;
    dataset.gold.forEach((g, i) => {
      if (g === -1 || half[i] === h) return;
      scored++;
      if (label[i] === g) hits++;
    });
  }
  return hits / scored;
}

reportMissingCrowdData();

/**
 * The targets (mean at least crowd-kit's best-per-dataset mean, each dataset within a point of our best) are
 * not met yet: these bounds hold today's figures (README, "auto vs best method") so a change cannot lose ground.
 */
describe.skipIf(!haveCrowdData)('auto on the shared crowd datasets', () => {
  const figures = new Map<string, { answersOnly: number; crossFit: number; ourBest: number }>();
  beforeAll(() => {
    for (const name of names) {
      const dataset = loadCrowdDataset(name);
      figures.set(name, {
        answersOnly: accuracy(chooseMethod(dataset.judgments).result.label, dataset.gold),
        crossFit: crossFitAccuracy(dataset),
        ourBest: Math.max(...autoCandidates.map((m) => accuracyOf(dataset.judgments, m, dataset.gold))),
      });
    }
  }, 600_000);

  it.each(names)('%s: auto is within 4 points of our best method from the answers, 3 with half the gold', (name) => {
    const f = figures.get(name)!;
    expect(f.answersOnly).toBeGreaterThanOrEqual(f.ourBest - 0.04);
    expect(f.crossFit).toBeGreaterThanOrEqual(f.ourBest - 0.03);
  });

  it("auto's mean is within 0.6 points of crowd-kit's best-per-dataset mean from the answers, 0.4 with half the gold", () => {
    const all = [...figures.values()];
    const bar = mean(names.map((n) => crowdKitBest[n]));
    expect(mean(all.map((f) => f.answersOnly))).toBeGreaterThanOrEqual(bar - 0.006);
    expect(mean(all.map((f) => f.crossFit))).toBeGreaterThanOrEqual(bar - 0.004);
  });
});

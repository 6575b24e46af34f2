import { describe, expect, it } from 'vitest';
import { simulateCrowd } from '../../../server/aggregation/synthetic-crowd.ts';
import { dawidSkene } from '../../../server/aggregation/dawid-skene.ts';
import { mace } from '../../../server/aggregation/mace.ts';
import { majorityVote } from '../../../server/aggregation/majority-vote.ts';
import { oneCoinDawidSkene } from '../../../server/aggregation/one-coin-dawid-skene.ts';
import { glad } from '../../../server/aggregation/glad.ts';
import { ordinalBiasModel } from '../../../server/aggregation/ordinal-bias.ts';
import { bradleyTerry, winProbability } from '../../../server/aggregation/bradley-terry.ts';
import { seededRandom } from '../../../server/aggregation/random.ts';
import { accuracy } from './crowd-datasets.ts';

const crowd = simulateCrowd({
  nItems: 3000,
  judgmentsPerItem: 5,
  nWorkers: 60,
  nClasses: 4,
  seed: 42,
  mix: { expert: 0.3, regular: 0.4, spammer: 0.2, adversary: 0.1 },
});
const workersOf = (kind: string) => crowd.kind.flatMap((k, w) => (k === kind ? [w] : []));

describe('Dawid-Skene on a simulated crowd', () => {
  const fit = dawidSkene(crowd.judgments);
  const K = crowd.judgments.nClasses;
  const diagonal = (w: number) => {
    let sum = 0;
    for (let t = 0; t < K; t++) sum += fit.confusion[(w * K + t) * K + t];
    return sum / K;
  };

  it('converges and beats majority vote', () => {
    expect(fit.converged).toBe(true);
    expect(accuracy(fit.label, crowd.truth)).toBeGreaterThan(accuracy(majorityVote(crowd.judgments).label, crowd.truth) + 0.03);
    expect(accuracy(fit.label, crowd.truth)).toBeGreaterThan(0.95);
  });

  it("recovers each worker's accuracy on the confusion diagonal within 0.06", () => {
    for (let w = 0; w < crowd.judgments.nWorkers; w++) expect(Math.abs(diagonal(w) - crowd.accuracy[w])).toBeLessThan(0.06);
  });

  it('sees adversaries as answering truth + 1', () => {
    for (const w of workersOf('adversary')) {
      for (let t = 0; t < K; t++) expect(fit.confusion[(w * K + t) * K + ((t + 1) % K)]).toBeGreaterThan(0.8);
    }
  });

  it('rows of every confusion matrix and the posterior sum to 1', () => {
    for (let r = 0; r < crowd.judgments.nWorkers * K; r++) {
      expect(fit.confusion.subarray(r * K, (r + 1) * K).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    }
    expect(fit.posterior.subarray(0, K).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
  });

  it('warm-started from its own posterior it stops almost at once with the same labels', () => {
    const again = dawidSkene(crowd.judgments, { warmStart: fit.posterior });
    expect(again.iterations).toBeLessThan(fit.iterations);
    expect(again.label).toEqual(fit.label);
  });
});

describe('MACE on a simulated crowd', () => {
  const fit = mace(crowd.judgments, { restarts: 3 });

  it('gives spammers a high spamming probability and experts a low one', () => {
    for (const w of workersOf('spammer')) expect(fit.spamProbability[w]).toBeGreaterThan(0.7);
    for (const w of workersOf('expert')) expect(fit.spamProbability[w]).toBeLessThan(0.2);
  });

  it('labels better than majority vote', () => {
    expect(accuracy(fit.label, crowd.truth)).toBeGreaterThan(accuracy(majorityVote(crowd.judgments).label, crowd.truth));
  });
});

describe('MACE on items one worker judged alone', () => {
  // Three workers agree on 200 items (180 of class 0, 20 of class 1). A fourth answers 2 on two of those
  // and alone on 20 more: the model takes it for a spammer and the base rate for the truth of its items.
  const item: number[] = [];
  const worker: number[] = [];
  const label: number[] = [];
  const judge = (i: number, w: number, l: number) => (item.push(i), worker.push(w), label.push(l));
  for (let i = 0; i < 200; i++) for (let w = 0; w < 3; w++) judge(i, w, i < 180 ? 0 : 1);
  for (let i = 0; i < 2; i++) judge(i, 3, 2);
  for (let i = 200; i < 220; i++) judge(i, 3, 2);
  const data = { nItems: 220, nWorkers: 4, nClasses: 3, item: Int32Array.from(item), worker: Int32Array.from(worker), label: Int32Array.from(label) };
  const fit = mace(data);

  it('keeps the lone answer at the low confidence the model gives it, not a class nobody chose', () => {
    for (let i = 200; i < 220; i++) {
      expect(fit.label[i]).toBe(2);
      expect(fit.confidence[i]).toBeLessThan(0.5);
      expect(fit.posterior[i * 3]).toBeGreaterThan(fit.posterior[i * 3 + 2]);
    }
    for (let i = 0; i < 200; i++) expect(fit.label[i]).toBe(i < 180 ? 0 : 1);
  });
});

describe('one-coin Dawid-Skene and GLAD on a simulated crowd without adversaries', () => {
  const honest = simulateCrowd({
    nItems: 2000,
    judgmentsPerItem: 5,
    nWorkers: 40,
    nClasses: 3,
    seed: 7,
    mix: { expert: 0.3, regular: 0.5, spammer: 0.2 },
  });

  it('one-coin skills track true accuracy', () => {
    const fit = oneCoinDawidSkene(honest.judgments);
    // About 250 answers per worker: sampling error alone has sd ≈ 0.03.
    const errors = Array.from(fit.skill, (s, w) => Math.abs(s - honest.accuracy[w]));
    expect(Math.max(...errors)).toBeLessThan(0.1);
    expect(errors.reduce((a, b) => a + b, 0) / errors.length).toBeLessThan(0.035);
  });

  it('GLAD ranks experts above spammers and beats majority vote', () => {
    const fit = glad(honest.judgments);
    const byKind = (kind: string) => honest.kind.flatMap((k, w) => (k === kind ? [fit.ability[w]] : []));
    expect(Math.min(...byKind('expert'))).toBeGreaterThan(Math.max(...byKind('spammer')));
    expect(accuracy(fit.label, honest.truth)).toBeGreaterThan(accuracy(majorityVote(honest.judgments).label, honest.truth));
  });
});

describe('ordinal bias model', () => {
  // 400 items with true quality on 0-5; 20 workers, some shifted +1, some compressing the scale, all noisy.
  const random = seededRandom(3);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const nItems = 400;
  const nWorkers = 20;
  const truth = Float64Array.from({ length: nItems }, () => 5 * random());
  const trueOffset = Float64Array.from({ length: nWorkers }, (_, w) => (w % 4 === 0 ? 1 : 0));
  const trueScale = Float64Array.from({ length: nWorkers }, (_, w) => (w % 4 === 1 ? 0.6 : 1));
  const item: number[] = [];
  const worker: number[] = [];
  const value: number[] = [];
  for (let i = 0; i < nItems; i++) {
    for (let s = 0; s < 5; s++) {
      const w = (i * 7 + s * 3) % nWorkers;
      item.push(i);
      worker.push(w);
      value.push(trueOffset[w] + trueScale[w] * truth[i] + 0.4 * gaussian());
    }
  }
  const data = { nItems, nWorkers, item: Int32Array.from(item), worker: Int32Array.from(worker), value: Float64Array.from(value) };
  const fit = ordinalBiasModel(data);

  it('recovers the +1 shifts and the compressed scales', () => {
    expect(fit.converged).toBe(true);
    // The latent scale is only pinned by priors, so compare workers relative to the unbiased ones.
    const unbiased = [2, 3, 6, 7, 10, 11].map((w) => fit.offset[w]);
    const base = unbiased.reduce((a, b) => a + b, 0) / unbiased.length;
    for (let w = 0; w < nWorkers; w++) {
      if (trueOffset[w] === 1) expect(fit.offset[w] - base).toBeGreaterThan(0.75);
      if (trueScale[w] < 1) expect(fit.scale[w]).toBeLessThan(0.8);
      if (trueOffset[w] === 0 && trueScale[w] === 1) expect(Math.abs(fit.offset[w] - base)).toBeLessThan(0.25);
    }
  });

  it('scores items closer to the truth than the raw mean, with calibrated intervals', () => {
    const sum = new Float64Array(nItems);
    for (let j = 0; j < value.length; j++) sum[item[j]] += value[j] / 5;
    let modelError = 0;
    let meanError = 0;
    let covered = 0;
    // Both are compared after a least-squares line to the truth: the latent scale's origin and unit are arbitrary.
    const line = (x: Float64Array) => {
      const mx = x.reduce((a, b) => a + b, 0) / nItems;
      const my = truth.reduce((a, b) => a + b, 0) / nItems;
      let sxy = 0;
      let sxx = 0;
      for (let i = 0; i < nItems; i++) {
        sxy += (x[i] - mx) * (truth[i] - my);
        sxx += (x[i] - mx) ** 2;
      }
      return (v: number) => my + (sxy / sxx) * (v - mx);
    };
    const fromModel = line(fit.score);
    const fromMean = line(sum);
    for (let i = 0; i < nItems; i++) {
      modelError += (fromModel(fit.score[i]) - truth[i]) ** 2;
      meanError += (fromMean(sum[i]) - truth[i]) ** 2;
      if (fromModel(fit.low[i]) <= truth[i] && truth[i] <= fromModel(fit.high[i])) covered++;
    }
    expect(modelError).toBeLessThan(meanError * 0.8);
    expect(covered / nItems).toBeGreaterThan(0.85);
  });
});

describe('Bradley-Terry with position bias', () => {
  const random = seededRandom(11);
  const nResponses = 30;
  const strength = Float64Array.from({ length: nResponses }, (_, r) => (r - 15) / 7);
  const positionBias = 0.5;
  const left: number[] = [];
  const right: number[] = [];
  const outcome: number[] = [];
  for (let j = 0; j < 6000; j++) {
    const a = Math.floor(random() * nResponses);
    let b = Math.floor(random() * (nResponses - 1));
    if (b >= a) b++;
    const p = 1 / (1 + Math.exp(-(strength[a] - strength[b] + positionBias)));
    const u = random();
    left.push(a);
    right.push(b);
    // 10% ties, counted as half a win.
    outcome.push(u < 0.1 ? 0.5 : random() < p ? 1 : 0);
  }
  const fit = bradleyTerry({ nResponses, left: Int32Array.from(left), right: Int32Array.from(right), outcome: Float64Array.from(outcome) });

  it('recovers the strength ordering and the left-position advantage', () => {
    expect(fit.converged).toBe(true);
    // Neighbours differ by only 1/7 in log-strength, so judge the ordering by Spearman's rank correlation.
    const rank = Array.from(fit.score, (_, r) => r).sort((a, b) => fit.score[a] - fit.score[b]);
    let d2 = 0;
    rank.forEach((response, position) => (d2 += (response - position) ** 2));
    expect(1 - (6 * d2) / (nResponses * (nResponses ** 2 - 1))).toBeGreaterThan(0.97);
    expect(fit.score[nResponses - 1]).toBeGreaterThan(fit.score[0] + 3);
    // Ties pull every fitted effect toward 0 by about the tie share, hence the wide band.
    expect(fit.positionBias).toBeGreaterThan(0.3);
    expect(fit.positionBias).toBeLessThan(0.6);
  });

  it('gives win probabilities that are consistent and account for position', () => {
    const p = winProbability(fit, nResponses - 1, 0);
    expect(p).toBeGreaterThan(0.9);
    expect(winProbability(fit, 0, nResponses - 1)).toBeCloseTo(1 - p, 12);
    expect(winProbability(fit, 10, 10, true)).toBeGreaterThan(0.5);
  });
});

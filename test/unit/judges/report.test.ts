import { describe, expect, it } from 'vitest';
import { calibrationReport, type CalibrationInput } from '../../../server/judges/report/calibration-report.ts';
import type { OrderedVerdicts, PositionalVerdict } from '../../../server/judges/report/position-bias.ts';
import { quadraticWeightedKappa, meanOffset } from '../../../server/judges/report/pair-figures.ts';
import { cohenKappaFromTable } from '../../../server/aggregation/cohen-kappa.ts';
import { seededRandom } from '../../../server/aggregation/random.ts';
import { aggregationSettingsOf } from '../../../server/quality/aggregation-settings.ts';
import type { Observation } from '../../../server/quality/aggregate-observations.ts';

const settings = aggregationSettingsOf({});
const SOURCES = ['forum', 'news', 'web'];

/** Draws an index from a discrete distribution. */
function draw(random: () => number, p: number[]): number {
  let u = random();
  for (let k = 0; k < p.length; k++) if ((u -= p[k]) < 0) return k;
  return p.length - 1;
}

/**
 * A seeded project: `nDocs` documents with a hidden true class, `humans` accurate annotators per document (drawn
 * from a pool of 20), and judges whose answers come from a known confusion matrix per true class (and per source).
 */
function simulate(opts: {
  seed: number;
  nDocs: number;
  nClasses: number;
  humans: number;
  humanConfusion: (truth: number) => number[];
  judges: Record<string, (truth: number, source: string) => number[]>;
}) {
  const random = seededRandom(opts.seed);
  const observations: Observation[] = [];
  const sources = new Map<number, string | null>();
  const truth = new Map<number, number>();
  for (let d = 1; d <= opts.nDocs; d++) {
    const t = Math.floor(random() * opts.nClasses);
    const source = SOURCES[Math.floor(random() * SOURCES.length)];
    truth.set(d, t);
    sources.set(d, source);
    const pool = Array.from({ length: 20 }, (_, w) => w);
    for (let h = 0; h < opts.humans; h++) {
      const [w] = pool.splice(Math.floor(random() * pool.length), 1);
      observations.push({ itemId: d, workerKey: `u:${w}`, value: draw(random, opts.humanConfusion(t)), seconds: 5, batchId: 1 });
    }
    for (const [key, confusion] of Object.entries(opts.judges)) {
      observations.push({ itemId: d, workerKey: key, value: draw(random, confusion(t, source)), seconds: 0, batchId: 2 });
    }
  }
  return { observations, sources, truth };
}

/** Row-normalized confusion. */
const normalize = (rows: number[][]) =>
  rows.map((r) =>
    r.map(
      (x) =>
        x /
        Math.max(
          1,
          r.reduce((a, b) => a + b, 0),
        ),
    ),
  );

/** A distribution over 0..K-1 putting `p[delta]` on truth + delta, clipped to the scale. */
function shifted(truth: number, K: number, p: Record<number, number>): number[] {
  const row = new Array<number>(K).fill(0);
  for (const [delta, share] of Object.entries(p)) row[Math.min(K - 1, Math.max(0, truth + Number(delta)))] += share;
  return row;
}

describe('judge calibration report on a seeded simulation', () => {
  const K = 6;
  const overScorer = (t: number) => shifted(t, K, { [-1]: 0.1, 0: 0.4, 1: 0.5 });
  // Exact on web and news, a point low on forum pages.
  const forumHarsh = (t: number, source: string) => shifted(t, K, source === 'forum' ? { [-1]: 1 } : { 0: 1 });
  const sim = simulate({
    seed: 16,
    nDocs: 1500,
    nClasses: K,
    humans: 5,
    humanConfusion: (t) => shifted(t, K, { [-1]: 0.075, 0: 0.85, 1: 0.075 }),
    judges: { 'judge:1': overScorer, 'judge:2': forumHarsh },
  });
  const input: CalibrationInput = {
    kind: 'ordinal',
    scale: { min: 0, max: 5 },
    settings,
    observations: sim.observations,
    sources: sim.sources,
    judgeKeys: ['judge:1', 'judge:2'],
  };
  const report = calibrationReport(input);

  /** The figures the report should find, measured against the hidden truth instead of the human consensus. */
  function againstTruth(key: string, source?: string) {
    const table = new Float64Array(K * K);
    const diffs: number[] = [];
    for (const o of sim.observations) {
      if (o.workerKey !== key || (source && sim.sources.get(o.itemId) !== source)) continue;
      const t = sim.truth.get(o.itemId)!;
      table[t * K + o.value]++;
      diffs.push(o.value - t);
    }
    return {
      kappa: cohenKappaFromTable(table, K),
      weighted: quadraticWeightedKappa(table, K),
      offset: diffs.reduce((a, b) => a + b, 0) / diffs.length,
    };
  }

  it('recovers an over-scoring judge’s confusion matrix within 0.06 per cell', () => {
    const judge = report.judges.find((j) => j.judgeKey === 'judge:1')!;
    expect(judge.shared).toBe(1500);
    expect(judge.humanJudgments).toBe(1500 * 5);
    expect(report.classes).toEqual(['0', '1', '2', '3', '4', '5']);
    const observed = normalize(judge.confusion);
    for (let t = 0; t < K; t++) {
      const expected = overScorer(t);
      for (let c = 0; c < K; c++) expect(Math.abs(observed[t][c] - expected[c]), `row ${t} col ${c}`).toBeLessThan(0.06);
    }
  });

  it('recovers its kappa, weighted kappa and offset (the offset’s interval holds the true one)', () => {
    const judge = report.judges.find((j) => j.judgeKey === 'judge:1')!;
    const truth = againstTruth('judge:1');
    expect(Math.abs(judge.cohenKappa! - truth.kappa)).toBeLessThan(0.05);
    expect(Math.abs(judge.weightedKappa! - truth.weighted)).toBeLessThan(0.05);
    expect(judge.offset!.low).toBeLessThan(truth.offset);
    expect(judge.offset!.high).toBeGreaterThan(truth.offset);
    // Analytically 0.4 inside the scale, less at its clipped ends.
    expect(judge.offset!.mean).toBeGreaterThan(0.25);
    expect(judge.offset!.mean).toBeLessThan(0.45);
    expect(judge.spearman!).toBeGreaterThan(0.8);
    expect(judge.alphaOrdinal!).toBeGreaterThan(0.7);
    expect(judge.alphaInterval!).toBeGreaterThan(0.7);
    expect(judge.positionBias).toBeNull();
  });

  it('finds the source where a judge is off, and none elsewhere', () => {
    const judge = report.judges.find((j) => j.judgeKey === 'judge:2')!;
    expect(judge.bySource.map((s) => s.source)).toEqual(SOURCES);
    for (const s of judge.bySource) {
      const truth = againstTruth('judge:2', s.source!);
      expect(Math.abs(s.offset!.mean - truth.offset), s.source!).toBeLessThan(0.06);
      expect(s.shared).toBe(s.judged);
    }
    expect(judge.bySource.find((s) => s.source === 'forum')!.offset!.high).toBeLessThan(-0.7);
    expect(Math.abs(judge.bySource.find((s) => s.source === 'web')!.offset!.mean)).toBeLessThan(0.06);
    expect(judge.bySource.find((s) => s.source === 'web')!.cohenKappa!).toBeGreaterThan(0.85);
  });

  it('never compares a judge with itself or another judge: a copy of the judge leaves its report unchanged', () => {
    const copy = sim.observations.filter((o) => o.workerKey === 'judge:1').map((o) => ({ ...o, workerKey: 'judge:3' }));
    const withCopy = calibrationReport({ ...input, observations: [...sim.observations, ...copy], judgeKeys: ['judge:1'] });
    const alone = calibrationReport({ ...input, judgeKeys: ['judge:1'] });
    expect(withCopy.judges[0]).toEqual(alone.judges[0]);
    expect(withCopy.humanDocuments).toBe(1500);
  });

  it('counts only documents the humans also labelled', () => {
    const someHumanless = sim.observations.filter((o) => o.workerKey.startsWith('judge:') || o.itemId <= 300);
    const partial = calibrationReport({ ...input, observations: someHumanless });
    expect(partial.judges[0].judged).toBe(1500);
    expect(partial.judges[0].shared).toBe(300);
    expect(partial.humanDocuments).toBe(300);
  });
});

describe('categorical judge calibration', () => {
  const confusion = [
    [0.8, 0.1, 0.1],
    [0.2, 0.7, 0.1],
    [0.0, 0.3, 0.7],
  ];
  const sim = simulate({
    seed: 7,
    nDocs: 1500,
    nClasses: 3,
    humans: 5,
    humanConfusion: (t) => [0, 1, 2].map((c) => (c === t ? 0.9 : 0.05)),
    judges: { 'judge:9': (t) => confusion[t] },
  });
  const report = calibrationReport({
    kind: 'categorical',
    classes: ['keep', 'maybe', 'drop'],
    settings,
    observations: sim.observations,
    sources: sim.sources,
    judgeKeys: ['judge:9'],
  });

  it('recovers the judge’s confusion matrix within 0.05 per cell and leaves ordered-scale figures out', () => {
    const judge = report.judges[0];
    expect(report.classes).toEqual(['keep', 'maybe', 'drop']);
    const observed = normalize(judge.confusion);
    for (let t = 0; t < 3; t++) for (let c = 0; c < 3; c++) expect(Math.abs(observed[t][c] - confusion[t][c])).toBeLessThan(0.05);
    expect(judge.spearman).toBeNull();
    expect(judge.offset).toBeNull();
    expect(judge.weightedKappa).toBeNull();
    expect(judge.alphaNominal!).toBeGreaterThan(0.4);
    expect(judge.accuracy!).toBeGreaterThan(0.68);
    expect(judge.accuracy!).toBeLessThan(0.8);
  });
});

describe('pairwise judge calibration and position bias', () => {
  // The judge reads the right response 60% of the time in each order, and otherwise picks the one shown first.
  const random = seededRandom(99);
  const observations: Observation[] = [];
  const orders = new Map<number, OrderedVerdicts>();
  const sources = new Map<number, string | null>();
  const n = 1500;
  for (let d = 1; d <= n; d++) {
    const aBetter = random() < 0.5;
    sources.set(d, null);
    for (let h = 0; h < 5; h++) {
      const right = random() < 0.9;
      observations.push({ itemId: d, workerKey: `u:${h}`, value: right === aBetter ? 1 : 0, seconds: 3, batchId: 1, swapped: random() < 0.5 });
    }
    const answer = (aFirst: boolean): PositionalVerdict => {
      if (random() < 0.4) return 'first';
      return aBetter === aFirst ? 'first' : 'second';
    };
    const inOrder = answer(true);
    const swapped = answer(false);
    orders.set(d, { inOrder, swapped });
    const a1 = inOrder === 'first';
    const a2 = swapped === 'second';
    observations.push({ itemId: d, workerKey: 'judge:4', value: a1 === a2 ? (a1 ? 1 : 0) : 0.5, seconds: 0, batchId: 2 });
  }
  const report = calibrationReport({
    kind: 'pairwise',
    settings,
    observations,
    sources,
    judgeKeys: ['judge:4'],
    orders: new Map([['judge:4', orders]]),
  });

  it('recovers the first-position share (0.7), A shares in and out of order (0.7, 0.3) and order disagreement (0.4)', () => {
    const bias = report.judges[0].positionBias!;
    expect(bias.comparisons).toBe(n);
    expect(Math.abs(bias.firstPositionShare! - 0.7)).toBeLessThan(0.03);
    expect(Math.abs(bias.aShareInOrder! - 0.7)).toBeLessThan(0.04);
    expect(Math.abs(bias.aShareSwapped! - 0.3)).toBeLessThan(0.04);
    expect(Math.abs(bias.orderDisagreementRate! - 0.4)).toBeLessThan(0.04);
  });

  it('scores the combined judgment on the B / tie / A scale: disagreeing orders are ties, never wrong', () => {
    const judge = report.judges[0];
    expect(report.classes).toEqual(['B', 'tie', 'A']);
    const rows = normalize(judge.confusion);
    // Human consensus is almost never a tie; the judge's ties are its order disagreements.
    expect(Math.abs(rows[2][1] - 0.4)).toBeLessThan(0.05);
    expect(rows[2][0]).toBeLessThan(0.02);
    expect(Math.abs(judge.offset!.mean)).toBeLessThan(0.04);
  });
});

describe('pair figures', () => {
  it('quadratic-weighted kappa is 1 on agreement, penalises far misses more than near ones', () => {
    const diag = new Float64Array([5, 0, 0, 0, 5, 0, 0, 0, 5]);
    expect(quadraticWeightedKappa(diag, 3)).toBeCloseTo(1);
    const near = new Float64Array([4, 1, 0, 0, 5, 0, 0, 0, 5]);
    const far = new Float64Array([4, 0, 1, 0, 5, 0, 0, 0, 5]);
    expect(quadraticWeightedKappa(near, 3)).toBeGreaterThan(quadraticWeightedKappa(far, 3));
  });

  it('mean offset gives a t interval and null below two pairs', () => {
    expect(meanOffset([1], [0])).toBeNull();
    const o = meanOffset([1, 2, 3, 4], [0, 1, 2, 2])!;
    expect(o.mean).toBeCloseTo(1.25);
    // sd 0.5, t(0.975, 3) = 3.182
    expect(o.high - o.mean).toBeCloseTo((3.182 * 0.5) / 2, 2);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accuracy, crowdKit, haveCrowdData, loadCrowdDataset, reportMissingCrowdData } from './crowd-datasets.ts';
import type { CrowdDataset } from './crowd-datasets.ts';
import { goldWeightedVote, majorityVote, wawa } from '../../../server/aggregation/majority-vote.ts';
import { dawidSkene } from '../../../server/aggregation/dawid-skene.ts';
import { oneCoinDawidSkene } from '../../../server/aggregation/one-coin-dawid-skene.ts';
import { mace } from '../../../server/aggregation/mace.ts';
import { glad } from '../../../server/aggregation/glad.ts';
import { ordinalBiasModel } from '../../../server/aggregation/ordinal-bias.ts';
import { calibrateFromAnswers } from '../../../server/aggregation/answer-calibration.ts';
import { applyConfidenceMap, calibrateOnGold, MIN_GOLD_FOR_CALIBRATION } from '../../../server/aggregation/calibration.ts';
import { reliability } from '../../../server/aggregation/calibration-error.ts';
import { crowdKitMace, numpyRandomSample } from '../../support/crowd-kit-mace.ts';
import type { CategoricalJudgments, CategoricalResult } from '../../../server/aggregation/types.ts';

type Method = 'MajorityVote' | 'Wawa' | 'DawidSkene' | 'OneCoinDawidSkene' | 'MACE';

const methods: Record<Method, (data: CategoricalJudgments) => CategoricalResult> = {
  MajorityVote: majorityVote,
  Wawa: wawa,
  DawidSkene: dawidSkene,
  OneCoinDawidSkene: oneCoinDawidSkene,
  MACE: mace,
};

/**
 * Where crowd-kit's MACE figure is owed to a defect in crowd-kit, our MACE is held instead to the figure
 * crowd-kit's own fit reaches with its strategy table aligned (test/support/crowd-kit-mace.ts). The tests below
 * show for every dataset that the rebuilt fit gives the README figure as shipped; an entry here must also have
 * the aligned fit fall short of that figure by more than the tolerance.
 */
const owedToCrowdKitDefect: Partial<Record<string, Method>> = { venanzi_cf_amt: 'MACE' };

const methodNames = Object.keys(methods) as Method[];

reportMissingCrowdData();

describe.skipIf(!haveCrowdData).each(Object.keys(crowdKit))('%s', (name) => {
  // Read in beforeAll, not while tests are collected: a skipped describe's body still runs.
  let dataset: CrowdDataset;
  beforeAll(() => {
    dataset = loadCrowdDataset(name);
  });
  const ours = memoize((method: Method) => accuracy(methods[method](dataset.judgments).label, dataset.gold));
  const crowdKitMaceAccuracy = memoize((table: 'as-shipped' | 'aligned') => accuracy(crowdKitMace(dataset.encoded, table), dataset.gold));

  it.each(methodNames)('%s is at least crowd-kit minus 0.005', (method) => {
    let bar = crowdKit[name][methodNames.indexOf(method)];
    if (owedToCrowdKitDefect[name] === method) {
      expect(crowdKitMaceAccuracy('aligned')).toBeLessThan(bar - 0.005);
      bar = crowdKitMaceAccuracy('aligned');
    }
    expect(ours(method)).toBeGreaterThanOrEqual(bar - 0.005);
  });

  it("crowd-kit's MACE rebuilt gives the README figure; ours is at least the rebuilt fit, aligned, minus 0.005", () => {
    expect(crowdKitMaceAccuracy('as-shipped')).toBeCloseTo(crowdKit[name][methodNames.indexOf('MACE')], 4);
    expect(ours('MACE')).toBeGreaterThanOrEqual(crowdKitMaceAccuracy('aligned') - 0.005);
  });
});

function memoize<K, V>(compute: (key: K) => V): (key: K) => V {
  const cache = new Map<K, V>();
  return (key) => {
    if (!cache.has(key)) cache.set(key, compute(key));
    return cache.get(key)!;
  };
}

describe("crowd-kit's MACE rebuilt", () => {
  it("starts from numpy's RandomState(0) draws", () => {
    // np.random.RandomState(0).random_sample(3)
    expect(Array.from(numpyRandomSample(0, 3))).toEqual([0.5488135039273248, 0.7151893663724195, 0.6027633760716439]);
  });
});

describe.skipIf(!haveCrowdData)('GLAD', () => {
  const score = (name: string) => {
    const d = loadCrowdDataset(name);
    return { glad: accuracy(glad(d.judgments).label, d.gold), mv: accuracy(majorityVote(d.judgments).label, d.gold) };
  };

  it('solves the crowd-kit toy fixture and beats majority vote where items differ in difficulty', () => {
    expect(score('crowdkit_toy_ysda').glad).toBe(1);
    // Published GLAD accuracy on S4_Dog (Zheng et al. 2017) is 0.8352; MV is 0.8178.
    const dog = score('zheng_s4_dog');
    expect(dog.glad).toBeGreaterThan(dog.mv);
    const product = score('zheng_d_product');
    expect(product.glad).toBeGreaterThan(product.mv + 0.02);
  });

  it('does not let one class swallow the items on skewed or many-class data', () => {
    // With an estimated class prior these were 0.28 (81% of items given class 1) and 0.71.
    expect(score('zheng_s_rel').glad).toBeGreaterThan(0.5);
    const adult = score('zheng_s_adult');
    expect(adult.glad).toBeGreaterThanOrEqual(adult.mv - 0.005);
  });
});

describe.skipIf(!haveCrowdData)('ordinal model on zheng_n_emotion (numeric, scored by MAE)', () => {
  it('keeps MAE and RMSE near the published continuous methods and covers most truths', () => {
    const d = loadCrowdDataset('zheng_n_emotion');
    const names = d.encoded.labels.names;
    const value = Float64Array.from(d.judgments.label, (l) => Number(names[l]));
    const fit = ordinalBiasModel({ ...d.judgments, value });
    let absolute = 0;
    let squared = 0;
    let covered = 0;
    let n = 0;
    d.goldText.forEach((truth, i) => {
      if (truth === undefined) return;
      const err = fit.score[i] - Number(truth);
      absolute += Math.abs(err);
      squared += err * err;
      if (Number(truth) >= fit.low[i] && Number(truth) <= fit.high[i]) covered++;
      n++;
    });
    // Zheng et al. report MAE/RMSE 12.20/18.97 (LFC_N) to 17.72/28.18 (CATD); the plain mean scores 12.02 MAE.
    expect(absolute / n).toBeLessThan(13);
    expect(Math.sqrt(squared / n)).toBeLessThan(20);
    expect(covered / n).toBeGreaterThan(0.6);
  });
});

/** Every categorical method, as the calibration tests fit it; only the gold-weighted vote reads the gold it is given. */
const calibrated = {
  MajorityVote: (data: CategoricalJudgments) => majorityVote(data),
  Wawa: (data: CategoricalJudgments) => wawa(data),
  GoldWeightedVote: (data: CategoricalJudgments, gold: Int32Array) => goldWeightedVote(data, gold),
  DawidSkene: (data: CategoricalJudgments) => dawidSkene(data),
  OneCoinDawidSkene: (data: CategoricalJudgments) => oneCoinDawidSkene(data),
  MACE: (data: CategoricalJudgments) => mace(data),
  GLAD: (data: CategoricalJudgments) => glad(data),
};
type CalibratedMethod = keyof typeof calibrated;
const calibratedNames = Object.keys(calibrated) as CalibratedMethod[];

/**
 * Expected calibration error held per dataset, in `calibratedNames` order: [from the answers alone, cross-fitted on
 * gold] (measured figure rounded up to the next 0.005). A confidence calibrated on gold is scored only on the half
 * of the gold it was not fitted on; with fewer than MIN_GOLD_FOR_CALIBRATION gold items in a half it is the
 * answers-alone figure again.
 */
// prettier-ignore
const calibrationBars: Record<string, [number, number][]> = {
  zheng_d_product: [[0.040, 0.020], [0.025, 0.015], [0.015, 0.015], [0.030, 0.010], [0.080, 0.015], [0.035, 0.010], [0.040, 0.010]],
  zheng_d_possent: [[0.025, 0.015], [0.035, 0.015], [0.035, 0.020], [0.020, 0.015], [0.025, 0.015], [0.020, 0.015], [0.025, 0.015]],
  zheng_s_rel: [[0.120, 0.015], [0.140, 0.020], [0.130, 0.035], [0.215, 0.015], [0.580, 0.010], [0.195, 0.030], [0.240, 0.030]],
  zheng_s_adult: [[0.175, 0.055], [0.185, 0.050], [0.175, 0.055], [0.200, 0.050], [0.255, 0.050], [0.220, 0.070], [0.240, 0.085]],
  zheng_s4_dog: [[0.120, 0.040], [0.125, 0.035], [0.120, 0.030], [0.130, 0.035], [0.125, 0.025], [0.130, 0.025], [0.120, 0.025]],
  zheng_s4_face: [[0.265, 0.050], [0.265, 0.050], [0.260, 0.050], [0.275, 0.060], [0.310, 0.040], [0.275, 0.035], [0.275, 0.040]],
  zheng_d_restaurant: [[0.010, 0.005], [0.010, 0.005], [0.010, 0.005], [0.010, 0.005], [0.010, 0.010], [0.010, 0.005], [0.010, 0.005]],
  snow_temp: [[0.040, 0.020], [0.050, 0.015], [0.045, 0.015], [0.040, 0.015], [0.040, 0.015], [0.040, 0.015], [0.040, 0.015]],
  snow_wsd: [[0.010, 0.005], [0.010, 0.005], [0.010, 0.005], [0.010, 0.005], [0.010, 0.005], [0.010, 0.005], [0.010, 0.005]],
  venanzi_sp: [[0.060, 0.015], [0.065, 0.015], [0.060, 0.015], [0.050, 0.010], [0.050, 0.005], [0.050, 0.010], [0.050, 0.010]],
  venanzi_sp_amt: [[0.045, 0.025], [0.045, 0.025], [0.045, 0.025], [0.035, 0.020], [0.040, 0.025], [0.035, 0.020], [0.040, 0.025]],
  venanzi_cf: [[0.055, 0.025], [0.055, 0.035], [0.040, 0.050], [0.060, 0.030], [0.065, 0.035], [0.070, 0.035], [0.055, 0.035]],
  venanzi_cf_amt: [[0.090, 0.050], [0.090, 0.030], [0.090, 0.030], [0.075, 0.035], [0.090, 0.045], [0.080, 0.040], [0.095, 0.050]],
  crowdkit_simple: [[0.170, 0.170], [0.135, 0.135], [0.145, 0.145], [0.095, 0.095], [0.095, 0.095], [0.095, 0.095], [0.110, 0.110]],
  crowdkit_toy_ysda: [[0.255, 0.255], [0.250, 0.250], [0.270, 0.270], [0.305, 0.305], [0.305, 0.305], [0.300, 0.300], [0.260, 0.260]],
};

interface CalibrationErrors {
  /** As the method reports it. */
  raw: number;
  answers: number;
  gold: number;
  /** Whether each half had enough gold to fit a map on. */
  goldApplied: boolean;
}

/**
 * ECE of a method's confidences on a dataset's gold items: raw, calibrated from the answers alone, and cross-fitted
 * on gold (fitted on one half of the gold items, alternating in item order, scored on the other, both ways). The
 * gold-weighted vote takes its weights from the half it is not scored on.
 */
function calibrationErrors(dataset: CrowdDataset, method: CalibratedMethod): CalibrationErrors {
  const { judgments, gold } = dataset;
  const halves: number[][] = [[], []];
  gold.forEach((g, i) => g >= 0 && halves[(halves[0].length + halves[1].length) % 2].push(i));
  const goldOf = (items: number[]) => {
    const given = new Int32Array(gold.length).fill(-1);
    for (const i of items) given[i] = gold[i];
    return given;
  };
  const fits = method === 'GoldWeightedVote' ? [0, 1] : [0];
  const fitted = fits.map((h) => {
    const raw = calibrated[method](judgments, goldOf(halves[h]));
    return { raw, alone: calibrateFromAnswers(judgments, raw).result };
  });
  const scores = { raw: [] as number[], answers: [] as number[], gold: [] as number[], correct: [] as number[] };
  const goldApplied = halves.every((h) => h.length >= MIN_GOLD_FOR_CALIBRATION);
  for (const h of [0, 1]) {
    const { raw, alone } = fitted[method === 'GoldWeightedVote' ? h : 0];
    const fitOn = halves[h];
    const map = goldApplied
      ? calibrateOnGold(
          fitOn.map((i) => alone.confidence[i]),
          fitOn.map((i) => (raw.label[i] === gold[i] ? 1 : 0)),
        )
      : null;
    for (const i of halves[1 - h]) {
      scores.raw.push(raw.confidence[i]);
      scores.answers.push(alone.confidence[i]);
      scores.gold.push(map ? applyConfidenceMap(map, alone.confidence[i]) : alone.confidence[i]);
      scores.correct.push(raw.label[i] === gold[i] ? 1 : 0);
    }
  }
  const ece = (confidence: number[]) => reliability(confidence, scores.correct).ece;
  return { raw: ece(scores.raw), answers: ece(scores.answers), gold: ece(scores.gold), goldApplied };
}

describe.skipIf(!haveCrowdData)('calibration error (10 equal-width bins)', () => {
  const names = Object.keys(calibrationBars);
  const errors = memoize((name: string) => {
    const dataset = loadCrowdDataset(name);
    return Object.fromEntries(calibratedNames.map((m) => [m, calibrationErrors(dataset, m)])) as Record<CalibratedMethod, CalibrationErrors>;
  });

  afterAll(() => {
    if (!process.env.CURATE_PRINT_CALIBRATION) return;
    const rows = names.map((name) => [
      name,
      ...calibratedNames.map((m) => `${errors(name)[m].raw.toFixed(3)} ${errors(name)[m].answers.toFixed(3)} ${errors(name)[m].gold.toFixed(3)}`),
    ]);
    console.log(['dataset', ...calibratedNames.map((m) => `${m} (raw answers gold)`)].join('\t') + '\n' + rows.map((r) => r.join('\t')).join('\n'));
  });

  it.each(names)('%s: every method within its held figures, alone and cross-fitted on gold', (name) => {
    calibratedNames.forEach((m, k) => {
      const [answers, onGold] = calibrationBars[name][k];
      expect.soft(errors(name)[m].answers, `${m} from the answers alone`).toBeLessThanOrEqual(answers);
      expect.soft(errors(name)[m].gold, `${m} cross-fitted on gold`).toBeLessThanOrEqual(onGold);
    });
  });

  // Mean over the 15 datasets from the answers alone, held like the figures above (the aim is 0.05; see the README).
  const meanFromAnswers: Record<CalibratedMethod, number> = {
    MajorityVote: 0.1,
    Wawa: 0.1,
    GoldWeightedVote: 0.095,
    DawidSkene: 0.105,
    OneCoinDawidSkene: 0.14,
    MACE: 0.105,
    GLAD: 0.11,
  };

  it.each(calibratedNames)('%s: mean error held from the answers alone, and at most 0.03 cross-fitted on gold', (m) => {
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean(names.map((name) => errors(name)[m].answers))).toBeLessThanOrEqual(meanFromAnswers[m]);
    // Only where each half of the gold reaches MIN_GOLD_FOR_CALIBRATION: the two crowd-kit fixtures have 5 and 10
    // gold items, and the server would not fit a map on so few either.
    const withGold = names.filter((name) => errors(name)[m].goldApplied);
    expect(withGold.length).toBe(13);
    expect(mean(withGold.map((name) => errors(name)[m].gold))).toBeLessThanOrEqual(0.03);
  });
});

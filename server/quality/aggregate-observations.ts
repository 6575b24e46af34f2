/**
 * From a project's judgments (already mapped to numbers by the task type) to per-item results, per-annotator
 * reliability and agreement figures. Pure: the command around it loads and stores.
 */
import {
  annotatorReliability,
  bradleyTerry,
  calibratedConfidence,
  fleissKappa,
  krippendorffAlpha,
  ordinalBiasModel,
  pairwiseCohenKappa,
  percentAgreement,
  summarizeEditReviews,
  winProbability,
  type CategoricalJudgments,
  type CategoricalResult,
  type EditReview,
  type EditReviewSummary,
  type WorkerReliability,
} from '../aggregation/index.ts';
import { chooseMethod } from '../aggregation/auto-method.ts';
import { categoricalMethods } from '../aggregation/methods.ts';
import type { AggregationSettings } from './aggregation-settings.ts';
import type { AggregationKind, AspectScale } from '../../tasks/task-type.ts';

/** One judgment as a number: a class index, a score, or (pairwise) 1 = A preferred, 0 = B, 0.5 = tie. */
export interface Observation {
  itemId: number;
  workerKey: string;
  value: number;
  seconds: number;
  /** Pairwise: response B was shown on the left. */
  swapped?: boolean;
  /** The batch the item was served in, for agreement per batch. */
  batchId: number;
  /** Scores of the task's rated aspects (see {@link AspectScale}), by aspect key. */
  aspects?: Record<string, number>;
}

export interface AggregationInput {
  kind: AggregationKind;
  observations: Observation[];
  /** Class names (categorical, edit), in index order. */
  classes?: string[];
  /** The answer scale (ordinal), for confidence from interval width. */
  scale?: { min: number; max: number };
  /** Known answers per item, as numbers like observations. */
  gold: Map<number, number>;
  settings: AggregationSettings;
  /** The task's rated aspects; agreement is reported for each. */
  aspects?: AspectScale[];
  /** Review of generated text: each judgment as an edit review, summarised into accept rate, tags and edit distances. */
  editReviews?: EditReview[];
}

export interface ItemResult {
  itemId: number;
  method: string;
  label: string | null;
  score: number | null;
  low: number | null;
  high: number | null;
  confidence: number;
  nJudgments: number;
}

export interface WorkerStats extends Omit<WorkerReliability, 'worker' | 'confusion'> {
  workerKey: string;
  /** Row = consensus class, column = answer; rows normalized. */
  confusion: number[][];
}

export interface AgreementFigures {
  judgments: number;
  items: number;
  workers: number;
  percentAgreement: number | null;
  fleissKappa: number | null;
  meanCohenKappa: number | null;
  alphaNominal: number | null;
  alphaOrdinal: number | null;
  alphaInterval: number | null;
}

export interface AggregationOutput {
  items: ItemResult[];
  workers: WorkerStats[];
  agreement: AgreementFigures;
  /** The same figures within each batch, in batch id order. */
  agreementByBatch: { batchId: number; agreement: AgreementFigures }[];
  /** Ordinal agreement on each rated aspect. */
  agreementByAspect: { key: string; label: string; agreement: AgreementFigures }[];
  /** Review of generated text only: accept rate, error-tag frequencies, edit distances of corrections. */
  edits: EditReviewSummary | null;
  /** Pairwise: the fitted left-position advantage (log-odds). */
  positionBias: number | null;
  classes: string[];
}

/** Aggregates observations according to the task type's kind and the project's settings. */
export function aggregateObservations(input: AggregationInput): AggregationOutput {
  const enc = encode(input.observations);
  const aggregate = input.kind === 'ordinal' ? aggregateOrdinal : input.kind === 'pairwise' ? aggregatePairwise : aggregateCategorical;
  const { ratings, ...output } = aggregate(input, enc);
  return {
    ...output,
    agreement: agreementFigures(ratings),
    agreementByBatch: agreementByBatch(input.observations, ratings),
    agreementByAspect: (input.aspects ?? []).map((aspect) => ({
      key: aspect.key,
      label: aspect.label,
      agreement: aspectAgreement(input.observations, aspect),
    })),
    edits: input.editReviews ? summarizeEditReviews(input.editReviews) : null,
  };
}

/** What a kind's aggregation hands back besides its results: the judgments as agreement sees them. */
type KindOutput = Omit<AggregationOutput, 'agreement' | 'agreementByBatch' | 'agreementByAspect' | 'edits'> & { ratings: Ratings };

interface Encoded {
  itemIds: number[];
  workerKeys: string[];
  item: Int32Array;
  worker: Int32Array;
  value: Float64Array;
  seconds: Float64Array;
  counts: Int32Array;
}

function encode(observations: Observation[]): Encoded {
  const itemIndex = new Map<number, number>();
  const workerIndex = new Map<string, number>();
  const n = observations.length;
  const item = new Int32Array(n);
  const worker = new Int32Array(n);
  const value = new Float64Array(n);
  const seconds = new Float64Array(n);
  observations.forEach((o, j) => {
    let i = itemIndex.get(o.itemId);
    if (i === undefined) itemIndex.set(o.itemId, (i = itemIndex.size));
    let w = workerIndex.get(o.workerKey);
    if (w === undefined) workerIndex.set(o.workerKey, (w = workerIndex.size));
    item[j] = i;
    worker[j] = w;
    value[j] = o.value;
    seconds[j] = o.seconds;
  });
  const counts = new Int32Array(itemIndex.size);
  for (const i of item) counts[i]++;
  return { itemIds: [...itemIndex.keys()], workerKeys: [...workerIndex.keys()], item, worker, value, seconds, counts };
}

function goldCodes(enc: Encoded, gold: Map<number, number>, toCode: (v: number) => number) {
  const codes = new Int32Array(enc.itemIds.length).fill(-1);
  enc.itemIds.forEach((id, i) => {
    const g = gold.get(id);
    if (g !== undefined) codes[i] = toCode(g);
  });
  return codes;
}

function categoricalData(enc: Encoded, nClasses: number, label: Int32Array): CategoricalJudgments {
  return { nItems: enc.itemIds.length, nWorkers: enc.workerKeys.length, nClasses, item: enc.item, worker: enc.worker, label };
}

/** `auto` chooses from the answers and the project's gold (auto-method.ts); the item results name the method it chose. */
function runCategorical(data: CategoricalJudgments, gold: Int32Array, settings: AggregationSettings): { method: string; result: CategoricalResult } {
  if (settings.method === 'auto') {
    const choice = chooseMethod(data, { gold });
    return { method: categoricalMethods[choice.method].name, result: choice.result };
  }
  const method = categoricalMethods[settings.method];
  return { method: method.name, result: method.fit(data, gold) };
}

function aggregateCategorical(input: AggregationInput, enc: Encoded): KindOutput {
  const classes = input.classes ?? [];
  const label = Int32Array.from(enc.value);
  const data = categoricalData(enc, Math.max(classes.length, 1 + Math.max(0, ...label)), label);
  const gold = goldCodes(enc, input.gold, (v) => v);
  const { method, result: raw } = runCategorical(data, gold, input.settings);
  // What is stored, routed to review and filtered on is the calibrated confidence, the same the CLI reports.
  const { result } = calibratedConfidence(data, raw, gold);
  const items = enc.itemIds.map((itemId, i) => ({
    itemId,
    method,
    label: result.label[i] >= 0 ? (classes[result.label[i]] ?? String(result.label[i])) : null,
    score: null,
    low: null,
    high: null,
    confidence: result.confidence[i],
    nJudgments: enc.counts[i],
  }));
  return {
    items,
    workers: workerStats(enc, data, result.label, gold),
    ratings: { ...data, value: enc.value, kind: 'nominal' },
    positionBias: null,
    classes,
  };
}

function aggregateOrdinal(input: AggregationInput, enc: Encoded): KindOutput {
  const min = input.scale?.min ?? enc.value.reduce((a, v) => Math.min(a, v), Infinity);
  const max = input.scale?.max ?? enc.value.reduce((a, v) => Math.max(a, v), -Infinity);
  const range = Math.max(max - min, 1e-9);
  // Gold scores map the crowd's onto the reference once there are enough of them (see ordinal-reference.ts).
  const reference = Float64Array.from(enc.itemIds, (id) => input.gold.get(id) ?? NaN);
  const judgments = { nItems: enc.itemIds.length, nWorkers: enc.workerKeys.length, item: enc.item, worker: enc.worker, value: enc.value };
  const fit = ordinalBiasModel(judgments, { range: { min, max }, level: ORDINAL_INTERVAL_LEVEL, reference });
  const items = enc.itemIds.map((itemId, i) => ({
    itemId,
    method: 'ordinal-bias',
    label: null,
    score: fit.score[i],
    low: fit.low[i],
    high: fit.high[i],
    // An interval as wide as the scale says nothing (0), a point everything (1); its width before clipping, so an
    // item at an end of the scale is not made surer by the clip.
    confidence: clamp(1 - fit.width[i] / range, 0, 1),
    nJudgments: enc.counts[i],
  }));
  // Reliability on the rounded scale: each scale point is a class.
  const classOf = (v: number) => clamp(Math.round(v - min), 0, Math.round(range));
  const nClasses = Math.round(range) + 1;
  const data = categoricalData(enc, nClasses, Int32Array.from(enc.value, classOf));
  const consensus = Int32Array.from(items, (r) => (r.score === null || Number.isNaN(r.score) ? -1 : classOf(r.score)));
  return {
    items,
    workers: workerStats(enc, data, consensus, goldCodes(enc, input.gold, classOf)),
    ratings: { ...data, value: enc.value, kind: 'ordinal' },
    positionBias: null,
    classes: Array.from({ length: nClasses }, (_, k) => String(min + k)),
  };
}

/** Share of reference scores an ordinal item's stored interval should contain. */
const ORDINAL_INTERVAL_LEVEL = 0.9;

const PAIR_CLASSES = ['B', 'tie', 'A'];

function aggregatePairwise(input: AggregationInput, enc: Encoded): KindOutput {
  // Response A of item i is entity 2i, B is 2i+1; left/right follows the recorded display order.
  const n = enc.item.length;
  const left = new Int32Array(n);
  const right = new Int32Array(n);
  const outcome = new Float64Array(n);
  const position = new Int32Array(n);
  input.observations.forEach((o, j) => {
    const a = 2 * enc.item[j];
    left[j] = o.swapped ? a + 1 : a;
    right[j] = o.swapped ? a : a + 1;
    outcome[j] = o.swapped ? 1 - o.value : o.value;
    position[j] = outcome[j] === 0.5 ? 2 : outcome[j] > 0.5 ? 0 : 1;
  });
  const fit = bradleyTerry({ nResponses: 2 * enc.itemIds.length, left, right, outcome });
  const items = enc.itemIds.map((itemId, i) => {
    const pA = winProbability(fit, 2 * i, 2 * i + 1);
    return {
      itemId,
      method: 'bradley-terry',
      label: Math.abs(pA - 0.5) < 1e-9 ? 'tie' : pA > 0.5 ? 'A' : 'B',
      score: pA,
      low: null,
      high: null,
      confidence: Math.max(pA, 1 - pA),
      nJudgments: enc.counts[i],
    };
  });
  const classOf = (v: number) => (v === 0.5 ? 1 : v > 0.5 ? 2 : 0);
  const data = categoricalData(enc, 3, Int32Array.from(enc.value, classOf));
  const consensus = Int32Array.from(items, (r) => PAIR_CLASSES.indexOf(r.label));
  return {
    items,
    workers: workerStats(enc, data, consensus, goldCodes(enc, input.gold, classOf), position),
    ratings: { ...data, value: enc.value, kind: 'nominal' },
    positionBias: fit.positionBias,
    classes: PAIR_CLASSES,
  };
}

function workerStats(enc: Encoded, data: CategoricalJudgments, consensus: Int32Array, gold: Int32Array, position?: Int32Array): WorkerStats[] {
  const rows = annotatorReliability({ data, consensus, gold, seconds: enc.seconds, position, nPositions: position ? 3 : undefined });
  const K = data.nClasses;
  return rows.map(({ worker, confusion, ...row }) => ({
    ...row,
    workerKey: enc.workerKeys[worker],
    confusion: Array.from({ length: K }, (_, c) => Array.from(confusion.subarray(c * K, (c + 1) * K))),
  }));
}

/**
 * Judgments as the agreement figures read them: a class per judgment, and (ordinal kinds) the number itself for
 * the ordinal and interval alphas.
 */
interface Ratings extends CategoricalJudgments {
  value: Float64Array;
  kind: 'nominal' | 'ordinal';
}

function agreementFigures(r: Ratings): AgreementFigures {
  const finite = (x: number) => (Number.isFinite(x) ? x : null);
  const perItem = new Int32Array(r.nItems);
  for (const i of r.item) perItem[i]++;
  const multiRated = perItem.some((c) => c >= 2);
  const reliability = { nUnits: r.nItems, unit: r.item, value: Float64Array.from(r.label) };
  const ordinal = multiRated && r.kind === 'ordinal';
  return {
    judgments: r.item.length,
    items: r.nItems,
    workers: r.nWorkers,
    percentAgreement: multiRated ? finite(percentAgreement(r)) : null,
    fleissKappa: multiRated ? finite(fleissKappa(r).kappa) : null,
    meanCohenKappa: multiRated ? finite(pairwiseCohenKappa(r, 2).meanKappa) : null,
    alphaNominal: multiRated ? finite(krippendorffAlpha(reliability, 'nominal').alpha) : null,
    alphaOrdinal: ordinal ? finite(krippendorffAlpha(reliability, 'ordinal').alpha) : null,
    alphaInterval: ordinal ? finite(krippendorffAlpha({ ...reliability, value: r.value }, 'interval').alpha) : null,
  };
}

/** The judgments `picked` selects (in order), items and workers renumbered densely. */
function subsetOf(r: Ratings, picked: number[]): Ratings {
  const items = new Map<number, number>();
  const workers = new Map<number, number>();
  const dense = (index: Map<number, number>, key: number) => index.get(key) ?? index.set(key, index.size).size - 1;
  const item = Int32Array.from(picked, (j) => dense(items, r.item[j]));
  const worker = Int32Array.from(picked, (j) => dense(workers, r.worker[j]));
  return {
    nItems: items.size,
    nWorkers: workers.size,
    nClasses: r.nClasses,
    item,
    worker,
    label: Int32Array.from(picked, (j) => r.label[j]),
    value: Float64Array.from(picked, (j) => r.value[j]),
    kind: r.kind,
  };
}

function agreementByBatch(observations: Observation[], ratings: Ratings): AggregationOutput['agreementByBatch'] {
  const byBatch = new Map<number, number[]>();
  observations.forEach((o, j) => (byBatch.get(o.batchId) ?? byBatch.set(o.batchId, []).get(o.batchId)!).push(j));
  return [...byBatch].sort(([a], [b]) => a - b).map(([batchId, picked]) => ({ batchId, agreement: agreementFigures(subsetOf(ratings, picked)) }));
}

/** Agreement on one aspect, over the judgments that scored it, on the aspect's own scale. */
function aspectAgreement(observations: Observation[], aspect: AspectScale): AgreementFigures {
  const scored = observations.filter((o) => Number.isFinite(o.aspects?.[aspect.key]));
  const value = Float64Array.from(scored, (o) => o.aspects![aspect.key]);
  const { min, max } = aspect.scale;
  const enc = encode(scored);
  return agreementFigures({
    nItems: enc.itemIds.length,
    nWorkers: enc.workerKeys.length,
    nClasses: Math.round(max - min) + 1,
    item: enc.item,
    worker: enc.worker,
    label: Int32Array.from(value, (v) => clamp(Math.round(v - min), 0, Math.round(max - min))),
    value,
    kind: 'ordinal',
  });
}

function clamp(x: number, lo: number, hi: number) {
  return Math.min(hi, Math.max(lo, x));
}

import type { CategoricalJudgments } from './types.ts';
import { agreementWithReference } from './posterior.ts';
import { median, normalizeRows } from './numeric.ts';

/** Thresholds for spammer flags; defaults in brackets. */
export interface ReliabilityThresholds {
  /** Fewer judgments than this raise no flags: too little evidence (10). */
  minJudgments?: number;
  /** One label in at least this share of a worker's answers (0.9). */
  dominantLabelShare?: number;
  /** Answer entropy, normalised to [0, 1], at or below this (0.2). */
  minLabelEntropy?: number;
  /** One answer position in at least this share of answers (0.9). */
  dominantPositionShare?: number;
  /** Median seconds per judgment below this (3). */
  minMedianSeconds?: number;
  /** Gold accuracy below this, once a worker has min(minJudgments, 5) gold answers (0.5). */
  minGoldAccuracy?: number;
}

/** Optional evidence per judgment, aligned with the judgments arrays. */
export interface ReliabilityInputs {
  data: CategoricalJudgments;
  /** Aggregated label per item (-1 for none), e.g. from Dawid-Skene. */
  consensus: Int32Array;
  /** True label per item, -1 where unknown. */
  gold?: Int32Array;
  /** Seconds spent on each judgment. */
  seconds?: Float64Array;
  /** Position of the chosen answer as displayed (e.g. 0 = left, 1 = right), per judgment. */
  position?: Int32Array;
  /** Number of distinct positions (defaults to 1 + the largest seen). */
  nPositions?: number;
}

/** Why a worker looks unreliable. */
export interface ReliabilityFlag {
  code: 'dominant-label' | 'low-entropy' | 'position-pattern' | 'too-fast' | 'low-gold-accuracy';
  reason: string;
}

/** One row of the reliability table. */
export interface WorkerReliability {
  worker: number;
  judgments: number;
  goldAnswers: number;
  /** NaN without gold answers. */
  goldAccuracy: number;
  consensusAgreement: number;
  /** `nClasses × nClasses`, row = consensus class, column = answer; rows normalised (uniform when unseen). */
  confusion: Float64Array;
  medianSeconds: number;
  /** Entropy of the worker's answers divided by log(nClasses). */
  labelEntropy: number;
  dominantLabel: number;
  dominantLabelShare: number;
  dominantPositionShare: number;
  flags: ReliabilityFlag[];
}

function percent(x: number): string {
  return `${Math.round(100 * x)}%`;
}

/** Shannon entropy of counts, normalised by log(size) so 1 means uniform. */
function normalizedEntropy(counts: Float64Array, offset: number, size: number, total: number): number {
  if (total === 0 || size < 2) return NaN;
  let h = 0;
  for (let k = 0; k < size; k++) {
    const p = counts[offset + k] / total;
    if (p > 0) h -= p * Math.log(p);
  }
  return h / Math.log(size);
}

/** Largest count in a row and where it is. */
function rowMax(counts: Float64Array, offset: number, size: number): { index: number; value: number } {
  let index = 0;
  for (let k = 1; k < size; k++) if (counts[offset + k] > counts[offset + index]) index = k;
  return { index, value: counts[offset + index] };
}

/**
 * Per-worker reliability: gold accuracy, agreement with consensus and confusion against it, speed and
 * answer patterns, with spammer flags that each carry a human-readable reason.
 */
export function annotatorReliability(inputs: ReliabilityInputs, thresholds: ReliabilityThresholds = {}): WorkerReliability[] {
  const { data, consensus, gold, seconds, position } = inputs;
  const { nWorkers, nClasses: K, item, worker, label } = data;
  const t = {
    minJudgments: 10,
    dominantLabelShare: 0.9,
    minLabelEntropy: 0.2,
    dominantPositionShare: 0.9,
    minMedianSeconds: 3,
    minGoldAccuracy: 0.5,
    ...thresholds,
  };
  let nPositions = inputs.nPositions ?? 0;
  if (position && !inputs.nPositions) for (const p of position) nPositions = Math.max(nPositions, p + 1);

  const labelCounts = new Float64Array(nWorkers * K);
  const confusionCounts = new Float64Array(nWorkers * K * K);
  const positionCounts = new Float64Array(nWorkers * Math.max(nPositions, 1));
  const judgments = new Int32Array(nWorkers);
  const goldAnswers = new Int32Array(nWorkers);
  const timesByWorker: number[][] = Array.from({ length: nWorkers }, () => []);
  for (let j = 0; j < item.length; j++) {
    const w = worker[j];
    judgments[w]++;
    labelCounts[w * K + label[j]]++;
    if (consensus[item[j]] >= 0) confusionCounts[(w * K + consensus[item[j]]) * K + label[j]]++;
    if (gold && gold[item[j]] >= 0) goldAnswers[w]++;
    if (position) positionCounts[w * nPositions + position[j]]++;
    if (seconds) timesByWorker[w].push(seconds[j]);
  }
  const agreement = agreementWithReference(data, consensus);
  const goldAccuracy = gold ? agreementWithReference(data, gold) : new Float64Array(nWorkers).fill(NaN);

  const rows: WorkerReliability[] = [];
  for (let w = 0; w < nWorkers; w++) {
    const confusion = confusionCounts.slice(w * K * K, (w + 1) * K * K);
    const evidence = Array.from({ length: K }, (_, c) => confusion.subarray(c * K, (c + 1) * K).reduce((a, b) => a + b, 0));
    normalizeRows(confusion, K, K);
    // A consensus class this worker never met says nothing about them: NaN, not a uniform row that looks like data.
    for (let c = 0; c < K; c++) if (evidence[c] === 0) confusion.fill(NaN, c * K, (c + 1) * K);
    const n = judgments[w];
    const topLabel = rowMax(labelCounts, w * K, K);
    const topPosition = position ? rowMax(positionCounts, w * nPositions, nPositions) : { index: 0, value: NaN };
    const row: WorkerReliability = {
      worker: w,
      judgments: n,
      goldAnswers: goldAnswers[w],
      goldAccuracy: goldAccuracy[w],
      consensusAgreement: agreement[w],
      confusion,
      medianSeconds: median(timesByWorker[w]),
      labelEntropy: normalizedEntropy(labelCounts, w * K, K, n),
      dominantLabel: topLabel.index,
      dominantLabelShare: n > 0 ? topLabel.value / n : NaN,
      dominantPositionShare: n > 0 ? topPosition.value / n : NaN,
      flags: [],
    };
    if (n >= t.minJudgments) {
      if (row.dominantLabelShare >= t.dominantLabelShare) {
        row.flags.push({ code: 'dominant-label', reason: `gave class ${row.dominantLabel} in ${percent(row.dominantLabelShare)} of ${n} answers` });
      }
      if (row.labelEntropy <= t.minLabelEntropy) {
        row.flags.push({ code: 'low-entropy', reason: `answer entropy ${row.labelEntropy.toFixed(2)} (1 = uniform over classes)` });
      }
      if (row.dominantPositionShare >= t.dominantPositionShare) {
        row.flags.push({
          code: 'position-pattern',
          reason: `chose position ${topPosition.index} in ${percent(row.dominantPositionShare)} of answers`,
        });
      }
      if (row.medianSeconds < t.minMedianSeconds) {
        row.flags.push({ code: 'too-fast', reason: `median ${row.medianSeconds.toFixed(1)} s per judgment (< ${t.minMedianSeconds} s)` });
      }
    }
    if (row.goldAnswers >= Math.min(t.minJudgments, 5) && row.goldAccuracy < t.minGoldAccuracy) {
      row.flags.push({ code: 'low-gold-accuracy', reason: `gold accuracy ${percent(row.goldAccuracy)} on ${row.goldAnswers} gold answers` });
    }
    rows.push(row);
  }
  return rows;
}

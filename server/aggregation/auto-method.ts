/**
 * `auto`: which categorical method to trust on a project's answers, decided from those answers (and the project's
 * gold items when it has enough), never from labels it is later scored on.
 *
 * Without gold, each candidate is cross-validated on the answers: a fold holds out one answer of every item that has
 * two or more, the method is fitted on the rest, and the held-out answer is scored by how probable it is given the
 * method's decision for its item and its worker's confusion with those decisions on the training answers
 * (Dirichlet-smoothed). The decision, not the posterior, is scored: scoring the posterior rewards a soft posterior
 * whatever it decides, and on the shared crowd datasets picked methods 1.7 points less accurate on the mean.
 * With gold, each candidate is fitted once on all answers and scored by its accuracy on the gold items; no candidate
 * reads gold, so that accuracy is out of sample.
 *
 * Either way Dawid-Skene (majority vote on data too thin for it) stays the choice unless another candidate beats it
 * by more than one standard error of the paired differences: a difference within the noise of the held-out answers
 * is a coin toss, and a method swapped for noise loses more than it gains.
 *
 * Cost: candidates × folds fits on at most `maxAnswers` answers (items sampled whole, seeded), then one fit of the
 * chosen method on all the answers; above `maxAnswers` the search costs the same whatever the data's size.
 */
import type { CategoricalJudgments, CategoricalResult } from './types.ts';
import { categoricalMethods, categoricalMethodKeys, type CategoricalMethodKey } from './methods.ts';
import { seededRandom } from './random.ts';

export interface AutoOptions {
  /** Known class per item, -1 where unknown. */
  gold?: Int32Array;
  seed?: number;
  /** Cross-validation folds, each holding out one answer per item (default 3). */
  folds?: number;
  /** Answers the search fits on at most (default 25,000); more are sampled by item. */
  maxAnswers?: number;
  /** Judged gold items needed before gold, not the held-out answers, decides (default 30). */
  minGold?: number;
}

export interface CandidateScore {
  method: CategoricalMethodKey;
  /** Mean log-probability of a held-out answer (answers decide), else null. */
  heldOutLogLikelihood: number | null;
  /** Accuracy on the gold items (gold decides), else null. */
  goldAccuracy: number | null;
  /** Mean paired difference from the default candidate in that score, and its standard error. */
  gain: number;
  standardError: number;
}

export interface AutoChoice {
  method: CategoricalMethodKey;
  /** What the choice stays with unless another candidate is clearly better. */
  fallback: CategoricalMethodKey;
  evidence: 'gold' | 'held-out answers';
  scores: CandidateScore[];
  /** Answers the search fitted on (all of them up to `maxAnswers`). */
  searchedAnswers: number;
  /** The chosen method fitted on all the answers. */
  result: CategoricalResult;
}

export const autoCandidates = categoricalMethodKeys.filter((key) => categoricalMethods[key].autoCandidate);

/** Chooses among {@link autoCandidates} and returns the choice, every candidate's score and the chosen fit. */
export function chooseMethod(data: CategoricalJudgments, options: AutoOptions = {}): AutoChoice {
  const random = seededRandom(options.seed ?? 1);
  const gold = options.gold ?? new Int32Array(data.nItems).fill(-1);
  const judgedGold = countJudgedGold(data, gold);
  const byGold = judgedGold >= (options.minGold ?? 30);
  const fallback: CategoricalMethodKey = data.item.length >= 5 * data.nWorkers && data.nItems >= 10 ? 'ds' : 'mv';
  const sample = sampleItems(data, gold, options.maxAnswers ?? 25_000, byGold, random);

  // Candidates never read gold (methods.ts): what they are given is "none known", so no fit sees the gold it is scored on.
  const noGold = new Int32Array(sample.data.nItems).fill(-1);
  const fold = assignFolds(sample.data, options.folds ?? 3, random);
  const fits = new Map<CategoricalMethodKey, CategoricalResult>();
  const evidence = autoCandidates.map((key) => {
    if (!byGold) return heldOutLogLikelihoods(sample.data, key, fold);
    const result = categoricalMethods[key].fit(sample.data, noGold);
    if (sample.data === data) fits.set(key, result);
    return goldHits(sample.data, result.label, sample.gold);
  });

  const base = evidence[autoCandidates.indexOf(fallback)];
  const scores = autoCandidates.map((method, c): CandidateScore => {
    const { mean, standardError } = pairedGain(evidence[c], base);
    const score = average(evidence[c]);
    return {
      method,
      heldOutLogLikelihood: byGold ? null : score,
      goldAccuracy: byGold ? score : null,
      gain: mean,
      standardError,
    };
  });
  const best = scores.reduce((a, b) => (b.gain > a.gain ? b : a));
  const method = best.gain > best.standardError ? best.method : fallback;
  return {
    method,
    fallback,
    evidence: byGold ? 'gold' : 'held-out answers',
    scores,
    searchedAnswers: sample.data.item.length,
    result: fits.get(method) ?? categoricalMethods[method].fit(data, gold),
  };
}

function countJudgedGold(data: CategoricalJudgments, gold: Int32Array): number {
  return judgedGold(data, gold).length;
}

/** The gold items that have answers, in item order. */
function judgedGold(data: CategoricalJudgments, gold: Int32Array): number[] {
  const judged = new Uint8Array(data.nItems);
  for (const i of data.item) if (gold[i] >= 0) judged[i] = 1;
  const items: number[] = [];
  for (let i = 0; i < data.nItems; i++) if (judged[i]) items.push(i);
  return items;
}

/**
 * Whole items in seeded random order (gold items first when gold decides) until `maxAnswers`, renumbered densely;
 * workers keep their numbers. The data itself when it fits.
 */
function sampleItems(data: CategoricalJudgments, gold: Int32Array, maxAnswers: number, goldFirst: boolean, random: () => number) {
  if (data.item.length <= maxAnswers) return { data, gold };
  const counts = new Int32Array(data.nItems);
  for (const i of data.item) counts[i]++;
  const order = shuffle(
    Array.from({ length: data.nItems }, (_, i) => i),
    random,
  );
  if (goldFirst) order.sort((a, b) => Number(gold[b] >= 0) - Number(gold[a] >= 0));
  const renumbered = new Int32Array(data.nItems).fill(-1);
  const sampledGold: number[] = [];
  let answers = 0;
  for (const i of order) {
    if (answers + counts[i] > maxAnswers) continue;
    answers += counts[i];
    renumbered[i] = sampledGold.length;
    sampledGold.push(gold[i]);
  }
  const kept = subset(data, (j) => renumbered[data.item[j]] >= 0);
  return {
    data: { ...kept, nItems: sampledGold.length, item: kept.item.map((i) => renumbered[i]) },
    gold: Int32Array.from(sampledGold),
  };
}

/**
 * Log-probability of every held-out answer, in answer order (so every candidate's values pair up), under the method
 * fitted on the other folds' answers and those never held out.
 */
function heldOutLogLikelihoods(data: CategoricalJudgments, key: CategoricalMethodKey, fold: Int32Array): Float64Array {
  const nFolds = Math.max(0, ...fold) + 1;
  const noGold = new Int32Array(data.nItems).fill(-1);
  const heldOut: number[] = [];
  for (let j = 0; j < fold.length; j++) if (fold[j] >= 0) heldOut.push(j);
  const out = new Float64Array(heldOut.length);
  const position = new Int32Array(fold.length);
  heldOut.forEach((j, p) => (position[j] = p));
  for (let f = 0; f < nFolds; f++) {
    const train = subset(data, (j) => fold[j] !== f);
    const decision = categoricalMethods[key].fit(train, noGold).label;
    const logConfusion = decisionConfusion(train, decision);
    const K = data.nClasses;
    for (const j of heldOut) {
      if (fold[j] !== f) continue;
      const t = decision[data.item[j]];
      out[position[j]] = t < 0 ? -Math.log(K) : logConfusion[(data.worker[j] * K + t) * K + data.label[j]];
    }
  }
  return out;
}

/** Fold per answer, -1 for answers never held out: one answer per fold of each item, leaving it one at least. */
function assignFolds(data: CategoricalJudgments, nFolds: number, random: () => number): Int32Array {
  const byItem: number[][] = Array.from({ length: data.nItems }, () => []);
  for (let j = 0; j < data.item.length; j++) byItem[data.item[j]].push(j);
  const fold = new Int32Array(data.item.length).fill(-1);
  for (const answers of byItem) {
    if (answers.length < 2) continue;
    shuffle(answers, random)
      .slice(0, Math.min(nFolds, answers.length - 1))
      .forEach((j, f) => (fold[j] = f));
  }
  return fold;
}

/** log P(answer l | worker w, decided class t) from the training answers, a Dirichlet(2 on t, 1 elsewhere) prior. */
function decisionConfusion(data: CategoricalJudgments, decision: Int32Array): Float64Array {
  const { nWorkers, nClasses: K } = data;
  const counts = new Float64Array(nWorkers * K * K).fill(1);
  for (let w = 0; w < nWorkers; w++) for (let t = 0; t < K; t++) counts[(w * K + t) * K + t] = 2;
  for (let j = 0; j < data.item.length; j++) {
    const t = decision[data.item[j]];
    if (t >= 0) counts[(data.worker[j] * K + t) * K + data.label[j]]++;
  }
  for (let row = 0; row < nWorkers * K; row++) {
    let total = 0;
    for (let l = 0; l < K; l++) total += counts[row * K + l];
    const logTotal = Math.log(total);
    for (let l = 0; l < K; l++) counts[row * K + l] = Math.log(counts[row * K + l]) - logTotal;
  }
  return counts;
}

function subset(data: CategoricalJudgments, keep: (j: number) => boolean): CategoricalJudgments {
  const js: number[] = [];
  for (let j = 0; j < data.item.length; j++) if (keep(j)) js.push(j);
  return {
    ...data,
    item: Int32Array.from(js, (j) => data.item[j]),
    worker: Int32Array.from(js, (j) => data.worker[j]),
    label: Int32Array.from(js, (j) => data.label[j]),
  };
}

/** 1 or 0 per judged gold item, in item order. */
function goldHits(data: CategoricalJudgments, label: Int32Array, gold: Int32Array): Float64Array {
  return Float64Array.from(judgedGold(data, gold), (i) => (label[i] === gold[i] ? 1 : 0));
}

function pairedGain(a: Float64Array, b: Float64Array): { mean: number; standardError: number } {
  const n = a.length;
  if (n < 2) return { mean: 0, standardError: 0 };
  let mean = 0;
  for (let u = 0; u < n; u++) mean += a[u] - b[u];
  mean /= n;
  let squares = 0;
  for (let u = 0; u < n; u++) squares += (a[u] - b[u] - mean) ** 2;
  return { mean, standardError: Math.sqrt(squares / (n - 1) / n) };
}

function average(values: Float64Array): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
}

function shuffle<T>(values: T[], random: () => number): T[] {
  for (let a = values.length - 1; a > 0; a--) {
    const b = Math.floor(random() * (a + 1));
    [values[a], values[b]] = [values[b], values[a]];
  }
  return values;
}

import type { ClassScheme } from './labels.ts';
import { fitLengthModel, lengthProbabilities, majorityBaseline } from './baselines.ts';
import { expectedValue } from './model.ts';

export interface ClassMetrics {
  label: string;
  /** null where the class was never predicted (precision) or never true (recall, F1). */
  precision: number | null;
  recall: number | null;
  f1: number | null;
  support: number;
}

/** "Keep" = the human value is at least `threshold`; predicted keep = the expected value rounds to at least it. */
export interface KeepMetrics {
  threshold: number;
  precision: number | null;
  recall: number | null;
  /** Share of the documents predicted keep. */
  keptShare: number;
  /** Share of the documents whose human value is at least the threshold. */
  trueShare: number;
}

export interface EvaluationReport {
  n: number;
  accuracy: number;
  /** Mean F1 over the classes that occur in the truth. */
  macroF1: number;
  perClass: ClassMetrics[];
  /** Spearman's rho of the expected value with the human value; null when either is constant. */
  spearman: number | null;
  /** Mean absolute error of the expected value. */
  mae: number;
  keep: KeepMetrics[];
}

/**
 * Scores predictions against the human classes: `probabilities[i]` over the scheme's classes, `truth[i]` a class
 * index. The predicted class is the most probable one; the expected value sum p_k v_k is what Spearman, MAE and the
 * keep thresholds use (FineWeb-Edu's int_score >= 3 is the keep row with threshold 3).
 */
export function evaluatePredictions(probabilities: readonly ArrayLike<number>[], truth: ArrayLike<number>, scheme: ClassScheme): EvaluationReport {
  const n = truth.length;
  if (probabilities.length !== n) throw new Error('one probability vector per truth');
  const k = scheme.classes.length;
  const confusion = Array.from({ length: k }, () => new Float64Array(k));
  const expected = new Float64Array(n);
  const human = new Float64Array(n);
  let hits = 0;
  let absError = 0;
  for (let i = 0; i < n; i++) {
    const p = probabilities[i];
    let best = 0;
    for (let c = 1; c < k; c++) if (p[c] > p[best]) best = c;
    confusion[truth[i]][best]++;
    if (best === truth[i]) hits++;
    expected[i] = expectedValue(p, scheme.values);
    human[i] = scheme.values[truth[i]];
    absError += Math.abs(expected[i] - human[i]);
  }
  const perClass = scheme.classes.map((label, c): ClassMetrics => {
    const tp = confusion[c][c];
    let predicted = 0;
    let support = 0;
    for (let r = 0; r < k; r++) predicted += confusion[r][c];
    for (let q = 0; q < k; q++) support += confusion[c][q];
    const precision = predicted > 0 ? tp / predicted : null;
    const recall = support > 0 ? tp / support : null;
    const f1 = recall === null ? null : tp === 0 ? 0 : (2 * precision! * recall) / (precision! + recall);
    return { label, precision, recall, f1, support };
  });
  const f1s = perClass.flatMap((m) => (m.f1 === null ? [] : [m.f1]));
  const keep = scheme.values.slice(1).map((threshold) => keepAt(expected, human, threshold, threshold - 0.5));
  return {
    n,
    accuracy: n > 0 ? hits / n : 0,
    macroF1: f1s.length > 0 ? f1s.reduce((a, b) => a + b, 0) / f1s.length : 0,
    perClass,
    spearman: spearman(expected, human),
    mae: n > 0 ? absError / n : 0,
    keep,
  };
}

/** Precision and recall of keeping the documents whose predicted value is at least `cut`, where keep is human >= `threshold`. */
export function keepAt(predicted: ArrayLike<number>, human: ArrayLike<number>, threshold: number, cut: number): KeepMetrics {
  let kept = 0;
  let positives = 0;
  let both = 0;
  for (let i = 0; i < human.length; i++) {
    const keep = predicted[i] >= cut;
    const truth = human[i] >= threshold;
    if (keep) kept++;
    if (truth) positives++;
    if (keep && truth) both++;
  }
  const n = human.length || 1;
  return {
    threshold,
    precision: kept > 0 ? both / kept : null,
    recall: positives > 0 ? both / positives : null,
    keptShare: kept / n,
    trueShare: positives / n,
  };
}

/** Spearman's rho: Pearson correlation of the ranks, ties given their mean rank. */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
  return pearson(ranks(x), ranks(y));
}

function ranks(values: ArrayLike<number>): Float64Array {
  const order = Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const rank = new Float64Array(values.length);
  for (let start = 0; start < order.length;) {
    let end = start + 1;
    while (end < order.length && values[order[end]] === values[order[start]]) end++;
    for (let j = start; j < end; j++) rank[order[j]] = (start + end - 1) / 2;
    start = end;
  }
  return rank;
}

function pearson(x: Float64Array, y: Float64Array): number | null {
  const n = x.length;
  if (n < 2) return null;
  // Sums before the division: a constant column then has exactly zero deviations, hence no correlation.
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : null;
}

/** A model's report on held-out examples beside the two baselines' (see baselines.ts), all on the same examples. */
export interface HeldOutEvaluation {
  model: EvaluationReport;
  majority: EvaluationReport;
  length: EvaluationReport;
}

const LENGTH_FOLDS = 5;

/**
 * Evaluates predictions on held-out texts beside the baselines, fitted on the training examples. Given only the
 * training class shares (a model file's label counts), the length model is cross-fitted on the held-out texts
 * themselves (each fifth predicted by a fit on the other four), which is what an evaluation of a model file alone,
 * without its training data, can do.
 */
export function evaluateWithBaselines(
  predicted: readonly ArrayLike<number>[],
  heldOut: { texts: readonly string[]; truth: ArrayLike<number> },
  scheme: ClassScheme,
  training: { texts: readonly string[]; truth: ArrayLike<number> } | { classShares: ArrayLike<number> },
): HeldOutEvaluation {
  const k = scheme.classes.length;
  const shares = 'classShares' in training ? Float64Array.from(training.classShares) : majorityBaseline(training.truth, k);
  const lengthPredicted: Float64Array[] = [];
  if ('texts' in training) {
    const fit = fitLengthModel(training.texts, training.truth, k);
    for (const text of heldOut.texts) lengthPredicted.push(lengthProbabilities(fit, text));
  } else {
    for (let fold = 0; fold < LENGTH_FOLDS; fold++) {
      const inFold = (i: number) => i % LENGTH_FOLDS === fold;
      const others = heldOut.texts.flatMap((_, i) => (inFold(i) ? [] : [i]));
      const fit = fitLengthModel(
        others.map((i) => heldOut.texts[i]),
        others.map((i) => heldOut.truth[i]),
        k,
      );
      heldOut.texts.forEach((text, i) => inFold(i) && (lengthPredicted[i] = lengthProbabilities(fit, text)));
    }
  }
  return {
    model: evaluatePredictions(predicted, heldOut.truth, scheme),
    majority: evaluatePredictions(
      heldOut.texts.map(() => shares),
      heldOut.truth,
      scheme,
    ),
    length: evaluatePredictions(lengthPredicted, heldOut.truth, scheme),
  };
}

import type { CategoricalJudgments, CategoricalResult } from './types.ts';
import { calibrateFromAnswers } from './answer-calibration.ts';
import { logSigmoid, sigmoid } from './numeric.ts';

/**
 * Fewer gold items than this and a project's confidences are reported as the method gives them: a two-parameter
 * map fitted on a handful of answers moves every item's confidence on the strength of a few coin flips. 30 leaves
 * 15 per half when the gold items themselves are cross-fitted; a project's gold rate (often 5-10%) reaches it
 * within a few hundred items.
 */
export const MIN_GOLD_FOR_CALIBRATION = 30;

/** Platt map `p = σ(slope · logit(confidence) + intercept)`, fitted on gold items. */
export interface ConfidenceMap {
  slope: number;
  intercept: number;
  /** Gold items it was fitted on. */
  fittedOn: number;
}

/** The identity map: confidences pass unchanged (up to the clip below). */
export const identityMap: ConfidenceMap = { slope: 1, intercept: 0, fittedOn: 0 };

// Methods report confidences that round to 1; past this the logit says nothing a fit on gold could use.
const logitClip = 1e-9;

function logit(p: number): number {
  const c = Math.min(1 - logitClip, Math.max(logitClip, p));
  return Math.log(c / (1 - c));
}

/**
 * Fits a Platt map on gold items only: logistic regression of "the chosen label was right" on the logit of the
 * reported confidence. A Gaussian prior (precision `priorPrecision`) pulls slope toward 1 and intercept toward 0,
 * so a small gold set bends the reported confidences rather than replacing them. Temperature scaling is the
 * intercept-free special case; the intercept is kept because the methods' overconfidence on real crowds is mostly a
 * shift (on one shared dataset 548 items at >= 0.9 were right 66% of the time) that a slope alone buys only by
 * flattening every confidence.
 * @param confidence reported confidence of the chosen label, per gold item
 * @param correct 1 (or true) where that label matched gold
 */
export function calibrateOnGold(confidence: ArrayLike<number>, correct: ArrayLike<number | boolean>, priorPrecision = 1): ConfidenceMap {
  if (confidence.length !== correct.length) throw new Error(`calibrateOnGold: ${confidence.length} confidences for ${correct.length} outcomes`);
  const n = confidence.length;
  const x = Float64Array.from(confidence, logit);
  const y = Float64Array.from(correct, (c) => (c ? 1 : 0));
  const objective = (a: number, b: number) => {
    let value = -0.5 * priorPrecision * ((a - 1) ** 2 + b ** 2);
    for (let i = 0; i < n; i++) {
      const z = a * x[i] + b;
      value += y[i] ? logSigmoid(z) : logSigmoid(-z);
    }
    return value;
  };
  let slope = 1;
  let intercept = 0;
  let current = objective(slope, intercept);
  // Newton's method on a strictly concave objective (the prior makes it so), halving a step until it gains: with
  // logits out at ±20 a full step from the identity overshoots by orders of magnitude.
  for (let it = 0; it < 100; it++) {
    let gA = -priorPrecision * (slope - 1);
    let gB = -priorPrecision * intercept;
    let hAA = priorPrecision;
    let hAB = 0;
    let hBB = priorPrecision;
    for (let i = 0; i < n; i++) {
      const p = sigmoid(slope * x[i] + intercept);
      const r = y[i] - p;
      const w = p * (1 - p);
      gA += r * x[i];
      gB += r;
      hAA += w * x[i] * x[i];
      hAB += w * x[i];
      hBB += w;
    }
    const det = hAA * hBB - hAB * hAB;
    let dA = (hBB * gA - hAB * gB) / det;
    let dB = (hAA * gB - hAB * gA) / det;
    let next = objective(slope + dA, intercept + dB);
    for (let halvings = 0; !(next >= current) && halvings < 60; halvings++) {
      dA /= 2;
      dB /= 2;
      next = objective(slope + dA, intercept + dB);
    }
    if (!(next >= current)) break;
    slope += dA;
    intercept += dB;
    const gain = next - current;
    current = next;
    if (gain < 1e-12 * (1 + Math.abs(current))) break;
  }
  return { slope, intercept, fittedOn: n };
}

/** A reported confidence through a fitted map. */
export function applyConfidenceMap(map: ConfidenceMap, confidence: number): number {
  return sigmoid(map.slope * logit(confidence) + map.intercept);
}

/**
 * The result with each labelled item's confidence replaced: the chosen class's posterior becomes the new value and
 * the other classes share the rest in their old proportions (evenly when they had none), so rows still sum to 1.
 * Labels, ties and the fit's bookkeeping are kept: calibration says how sure to be, not what to answer.
 */
export function withConfidence(result: CategoricalResult, confidence: Float64Array): CategoricalResult {
  const nItems = result.label.length;
  const K = nItems > 0 ? result.posterior.length / nItems : 0;
  const posterior = Float64Array.from(result.posterior);
  const out = new Float64Array(nItems);
  for (let i = 0, o = 0; i < nItems; i++, o += K) {
    const best = result.label[i];
    if (best < 0) continue;
    const c = confidence[i];
    out[i] = c;
    const rest = 1 - result.posterior[o + best];
    for (let k = 0; k < K; k++) {
      if (k === best) posterior[o + k] = c;
      else posterior[o + k] = rest > 0 ? (result.posterior[o + k] / rest) * (1 - c) : (1 - c) / (K - 1);
    }
  }
  return { ...result, confidence: out, posterior };
}

/**
 * Calibrates a result on the gold items it has (`gold[i]` the true class, -1 where unknown), when there are at least
 * `minGold`. Items without gold take the map fitted on all gold items. Gold items are cross-fitted: each takes the
 * map fitted on the other half, so a reliability diagram drawn on gold scores the map on answers it never saw.
 */
export function calibrateResultOnGold(
  result: CategoricalResult,
  gold: Int32Array,
  minGold = MIN_GOLD_FOR_CALIBRATION,
): { result: CategoricalResult; map: ConfidenceMap | null } {
  const scored: number[] = [];
  for (let i = 0; i < gold.length; i++) if (gold[i] >= 0 && result.label[i] >= 0) scored.push(i);
  if (scored.length < minGold) return { result, map: null };
  const fit = (items: number[]) =>
    calibrateOnGold(
      items.map((i) => result.confidence[i]),
      items.map((i) => (result.label[i] === gold[i] ? 1 : 0)),
    );
  const map = fit(scored);
  const halves = [scored.filter((_, s) => s % 2 === 0), scored.filter((_, s) => s % 2 === 1)];
  const crossMaps = [fit(halves[1]), fit(halves[0])];
  const confidence = Float64Array.from(result.confidence, (c, i) => (result.label[i] >= 0 ? applyConfidenceMap(map, c) : 0));
  halves.forEach((half, h) => {
    for (const i of half) confidence[i] = applyConfidenceMap(crossMaps[h], result.confidence[i]);
  });
  return { result: withConfidence(result, confidence), map };
}

/** A result with calibrated confidences, and how they were calibrated. */
export interface CalibratedResult {
  result: CategoricalResult;
  /** Weight the answers' evidence was given (see calibrateFromAnswers). */
  temperature: number;
  /** The map fitted on gold items, or null where there were fewer than the minimum. */
  goldMap: ConfidenceMap | null;
}

/**
 * The confidence every categorical method reports: first from the answers alone (calibrateFromAnswers), then, with
 * at least `minGold` gold items (`gold[i]` the true class, -1 where unknown), mapped on them (calibrateResultOnGold).
 * Labels are the method's own. The server, the CLI and the benchmark all call this, so they report the same value.
 */
export function calibratedConfidence(
  data: CategoricalJudgments,
  result: CategoricalResult,
  gold?: Int32Array,
  minGold = MIN_GOLD_FOR_CALIBRATION,
): CalibratedResult {
  const fromAnswers = calibrateFromAnswers(data, result);
  const onGold = gold ? calibrateResultOnGold(fromAnswers.result, gold, minGold) : { result: fromAnswers.result, map: null };
  return { result: onGold.result, temperature: fromAnswers.temperature, goldMap: onGold.map };
}

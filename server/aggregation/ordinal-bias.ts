import type { IterativeOptions, NumericJudgments } from './types.ts';
import { MIN_GOLD_FOR_CALIBRATION } from './calibration.ts';
import { applyReferenceMap, fitReferenceMap, type ReferenceMap, type ScorePosterior } from './ordinal-reference.ts';
import { studentTQuantile } from './student-t.ts';
import { onScalePoints, scalePointPosterior } from './ordinal-likelihood.ts';

/** Options for the ordinal worker-bias model. */
export interface OrdinalOptions extends IterativeOptions {
  /** Prior sd of a worker's offset, in units of the overall answer sd (default 0.3). */
  offsetPriorSd?: number;
  /** Prior sd of a worker's scale factor around 1 (default 0.2). */
  scalePriorSd?: number;
  /** Pseudo-judgments pulling each worker's noise variance toward the pooled one (default 3). */
  noiseShrinkage?: number;
  /** Share of reference scores the reported interval should contain (default 0.9). */
  level?: number;
  /** The answer scale; scores and intervals are clipped to it (default: the range of the answers, if wider than a point). */
  range?: { min: number; max: number };
  /**
   * Known reference score per item, NaN where unknown (a project's gold items). With at least
   * MIN_GOLD_FOR_CALIBRATION of them, scores and intervals are mapped onto the reference (see ordinal-reference.ts).
   */
  reference?: Float64Array;
}

/** Per-item scores with uncertainty, and each worker's fitted bias. Unjudged items get NaN. */
export interface OrdinalResult {
  score: Float64Array;
  /** The interval at the requested level, clipped to the scale. */
  low: Float64Array;
  high: Float64Array;
  /** The interval's width before clipping: near the ends of the scale clipping hides how little is known. */
  width: Float64Array;
  /** Posterior sd of each score (on the reference's scale when mapped onto it, with the reference's spread). */
  sd: Float64Array;
  /** Additive bias a_w in answer = a_w + b_w · score + noise. */
  offset: Float64Array;
  /** Scale use b_w (below 1: compresses the scale, above 1: stretches it). */
  scale: Float64Array;
  /** Residual sd per worker. */
  noise: Float64Array;
  /** The map onto the reference scores, when enough were given. */
  reference: ReferenceMap | null;
  iterations: number;
  converged: boolean;
}

// Pseudo-judgments of the scale-based priors below: they decide a fit on a handful of answers and vanish in a large one.
const SCALE_PRIOR_WEIGHT = 3;

/**
 * Continuous scores for an ordinal scale (e.g. 0-5 quality) that correct each annotator's offset and
 * scale use: answer = a_w + b_w · z_item + N(0, σ_w²), with shrinkage priors a_w ~ N(0, τa²),
 * b_w ~ N(1, τb²) and z ~ N(mean, var) of all answers. The priors pin the latent scale to the answer scale,
 * so a worker who is always one point high gets a_w ≈ +1 instead of moving the items. Fitted by EM:
 * Gaussian posteriors for items, then a ridge regression per worker using E[z] and E[z²].
 *
 * Intervals are meant to hold: each answer's noise includes the uncertainty of its worker's fitted offset and
 * scale (large for a worker seen a few times), the noise variances come with degrees of freedom that make the
 * item's posterior a t (Satterthwaite), and a handful of answers that agree cannot shrink the noise or the spread
 * of items to nothing, because both lean on what the width of the scale allows until the answers outweigh it.
 */
export function ordinalBiasModel(data: NumericJudgments, options: OrdinalOptions = {}): OrdinalResult {
  const { nItems, nWorkers, item, worker, value } = data;
  const n = item.length;
  const maxIterations = options.maxIterations ?? 1000;
  const tolerance = options.tolerance ?? 1e-5;
  const nu = options.noiseShrinkage ?? 3;

  let min = Infinity;
  let max = -Infinity;
  let mean = 0;
  for (let j = 0; j < n; j++) {
    mean += value[j];
    min = Math.min(min, value[j]);
    max = Math.max(max, value[j]);
  }
  mean /= n;
  // Answers that all agree give no scale to clip to.
  const range = options.range ?? (max > min ? { min, max } : { min: -Infinity, max: Infinity });
  const span = Number.isFinite(range.max - range.min) && range.max > range.min ? range.max - range.min : 1;
  let answerVariance = 0;
  for (let j = 0; j < n; j++) answerVariance += (value[j] - mean) ** 2;
  // A uniform spread over the scale for the items; a sixth of the scale for one answer's noise.
  const variance = (answerVariance + (SCALE_PRIOR_WEIGHT * span * span) / 12) / (n + SCALE_PRIOR_WEIGHT);
  const priorNoiseVariance = (span / 6) ** 2;
  const offsetPrecision = 1 / ((options.offsetPriorSd ?? 0.3) ** 2 * variance);
  const scalePrecision = 1 / (options.scalePriorSd ?? 0.2) ** 2;

  const offset = new Float64Array(nWorkers);
  const scale = new Float64Array(nWorkers).fill(1);
  const noiseVar = new Float64Array(nWorkers).fill(variance / 4);
  // Posterior covariance of each worker's (offset, scale).
  const covAA = new Float64Array(nWorkers);
  const covAB = new Float64Array(nWorkers);
  const covBB = new Float64Array(nWorkers);
  const residualDf = new Float64Array(nWorkers);
  const score = new Float64Array(nItems).fill(mean);
  const itemVar = new Float64Array(nItems);
  const precision = new Float64Array(nItems);
  const weighted = new Float64Array(nItems);
  // Per-worker sufficient statistics for the 2×2 ridge regression and the residuals.
  const sN = new Float64Array(nWorkers);
  const sZ = new Float64Array(nWorkers);
  const sZZ = new Float64Array(nWorkers);
  const sY = new Float64Array(nWorkers);
  const sYZ = new Float64Array(nWorkers);
  const sYY = new Float64Array(nWorkers);
  /** Spread of judgment j's worker's fitted line at the item's score. */
  const parameterVariance = (j: number) => {
    const w = worker[j];
    const z = score[item[j]];
    return covAA[w] + 2 * z * covAB[w] + z * z * covBB[w];
  };
  /** Noise of judgment j about b_w · z: the worker's own plus the uncertainty of its fitted line. */
  const judgmentVariance = (j: number) => noiseVar[worker[j]] + parameterVariance(j);

  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations && !converged) {
    iterations++;
    weighted.fill(mean / variance);
    precision.fill(1 / variance);
    for (let j = 0; j < n; j++) {
      const w = worker[j];
      const v = judgmentVariance(j);
      weighted[item[j]] += (scale[w] * (value[j] - offset[w])) / v;
      precision[item[j]] += (scale[w] * scale[w]) / v;
    }
    let change = 0;
    for (let i = 0; i < nItems; i++) {
      const z = weighted[i] / precision[i];
      change = Math.max(change, Math.abs(z - score[i]));
      itemVar[i] = 1 / precision[i];
      score[i] = z;
    }
    for (const s of [sN, sZ, sZZ, sY, sYZ, sYY]) s.fill(0);
    for (let j = 0; j < n; j++) {
      const w = worker[j];
      const z = score[item[j]];
      sN[w]++;
      sZ[w] += z;
      sZZ[w] += z * z + itemVar[item[j]];
      sY[w] += value[j];
      sYZ[w] += value[j] * z;
      sYY[w] += value[j] * value[j];
    }
    let pooled = 0;
    let pooledDf = 0;
    for (let w = 0; w < nWorkers; w++) {
      const p = 1 / noiseVar[w];
      const a11 = sN[w] * p + offsetPrecision;
      const a12 = sZ[w] * p;
      const a22 = sZZ[w] * p + scalePrecision;
      const b1 = sY[w] * p;
      const b2 = sYZ[w] * p + scalePrecision;
      const det = a11 * a22 - a12 * a12;
      const a = (b1 * a22 - a12 * b2) / det;
      const b = (a11 * b2 - a12 * b1) / det;
      change = Math.max(change, Math.abs(a - offset[w]), Math.abs(b - scale[w]));
      offset[w] = a;
      scale[w] = b;
      covAA[w] = a22 / det;
      covAB[w] = -a12 / det;
      covBB[w] = a11 / det;
      // Expected squared residual Σ E[(y - a - b z)²].
      const rss = sYY[w] - 2 * a * sY[w] - 2 * b * sYZ[w] + a * a * sN[w] + 2 * a * b * sZ[w] + b * b * sZZ[w];
      noiseVar[w] = Math.max(rss, 0);
      // The fitted line took up to two of the worker's answers' freedom (less as the priors hold it): divided by
      // what is left, the residuals of a worker seen a dozen times no longer understate its noise.
      residualDf[w] = Math.max(sN[w] - (2 - offsetPrecision * covAA[w] - scalePrecision * covBB[w]), 0);
      pooled += noiseVar[w];
      pooledDf += residualDf[w];
    }
    pooled = Math.max((pooled + SCALE_PRIOR_WEIGHT * priorNoiseVariance) / (pooledDf + SCALE_PRIOR_WEIGHT), variance * 1e-4);
    for (let w = 0; w < nWorkers; w++) noiseVar[w] = (noiseVar[w] + nu * pooled) / (residualDf[w] + nu);
    converged = change < tolerance * Math.sqrt(variance);
  }

  if (onScalePoints(value, range)) {
    // Rounding to a point added about 1/12 to the residual variance the Gaussian fit saw; the latent answer has less.
    const judgmentVariance = Float64Array.from({ length: n }, (_, j) => {
      const w = worker[j];
      return Math.max(noiseVar[w] - 1 / 12, noiseVar[w] / 4) + parameterVariance(j);
    });
    const exact = scalePointPosterior(data, { offset, scale, judgmentVariance, mean, variance }, range);
    score.set(exact.score);
    itemVar.set(exact.variance);
  }
  // Satterthwaite: the item's precision is a sum of terms whose noise variances rest on residualDf + ν answers each.
  const spread = new Float64Array(nItems);
  for (let j = 0; j < n; j++) {
    const w = worker[j];
    const p = (scale[w] * scale[w]) / judgmentVariance(j);
    spread[item[j]] += (p * p) / (residualDf[w] + nu);
  }
  // The crowd's average offset and scale use cannot be told from the items' average and spread: only the priors
  // pin them, to within τ/√(workers) when every worker answered alike, to τ when one worker gave most answers. Every
  // score shares that uncertainty, however many answers it has.
  let concentration = 0;
  for (let w = 0; w < nWorkers; w++) concentration += (sN[w] / n) ** 2;
  const judged = new Uint8Array(nItems);
  for (let j = 0; j < n; j++) judged[item[j]] = 1;
  const sd = new Float64Array(nItems);
  const df = new Float64Array(nItems);
  for (let i = 0; i < nItems; i++) {
    const common = concentration * (1 / offsetPrecision + (score[i] - mean) ** 2 / scalePrecision);
    const own = itemVar[i];
    sd[i] = Math.sqrt(own + common);
    // Only the answers' own part has finite degrees of freedom: own = 1/precision, Var(own) ≈ own² · 2 / df.
    df[i] = spread[i] > 0 ? ((own + common) ** 2 * precision[i] ** 2) / (own * own * spread[i]) : Infinity;
  }
  let posterior: ScorePosterior = { score, sd, df };
  const level = options.level ?? 0.9;
  const reference = options.reference ? referenceMap(posterior, options.reference, judged, level, range) : null;
  if (reference) posterior = applyReferenceMap(reference, posterior);
  const { low, high, width } = intervals(posterior, judged, level, range, reference);
  return {
    score: posterior.score,
    sd: posterior.sd,
    low,
    high,
    width,
    offset,
    scale,
    noise: noiseVar.map(Math.sqrt),
    reference,
    iterations,
    converged,
  };
}

/** The map onto the reference when enough judged items have one; below that a fit would follow a few items' noise. */
function referenceMap(
  posterior: ScorePosterior,
  reference: Float64Array,
  judged: Uint8Array,
  level: number,
  range: { min: number; max: number },
): ReferenceMap | null {
  const known = reference.map((r, i) => (judged[i] ? r : NaN));
  const count = known.reduce((c, r) => c + (Number.isFinite(r) ? 1 : 0), 0);
  return count >= MIN_GOLD_FOR_CALIBRATION ? fitReferenceMap(posterior, known, level, range) : null;
}

/**
 * Clips scores to the scale and sets the interval around each: the t quantiles of the item's posterior, or those the
 * reference items showed; unjudged items get NaN throughout.
 */
function intervals(
  posterior: ScorePosterior,
  judged: Uint8Array,
  level: number,
  range: { min: number; max: number },
  reference: ReferenceMap | null,
) {
  const { score, sd, df } = posterior;
  const nItems = score.length;
  const low = new Float64Array(nItems);
  const high = new Float64Array(nItems);
  const width = new Float64Array(nItems);
  const clip = (x: number) => Math.min(range.max, Math.max(range.min, x));
  for (let i = 0; i < nItems; i++) {
    if (!judged[i]) {
      score[i] = sd[i] = df[i] = low[i] = high[i] = width[i] = NaN;
      continue;
    }
    const t = studentTQuantile((1 + level) / 2, Math.max(df[i], 1));
    const [below, above] = reference ? reference.quantiles : [-t, t];
    low[i] = clip(score[i] + below * sd[i]);
    high[i] = clip(score[i] + above * sd[i]);
    width[i] = (above - below) * sd[i];
    score[i] = clip(score[i]);
  }
  return { low, high, width };
}

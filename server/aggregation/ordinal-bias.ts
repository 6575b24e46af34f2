import type { IterativeOptions, NumericJudgments } from './types.ts';

/** Options for the ordinal worker-bias model. */
export interface OrdinalOptions extends IterativeOptions {
  /** Prior sd of a worker's offset, in units of the overall answer sd (default 0.3). */
  offsetPriorSd?: number;
  /** Prior sd of a worker's scale factor around 1 (default 0.2). */
  scalePriorSd?: number;
  /** Pseudo-judgments pulling each worker's noise variance toward the pooled one (default 3). */
  noiseShrinkage?: number;
  /** Width of the reported interval in posterior sds (default 1.96, a 95% interval). */
  intervalZ?: number;
}

/** Per-item scores with uncertainty, and each worker's fitted bias. Unjudged items get NaN. */
export interface OrdinalResult {
  score: Float64Array;
  low: Float64Array;
  high: Float64Array;
  /** Posterior sd of each score. */
  sd: Float64Array;
  /** Additive bias a_w in answer = a_w + b_w · score + noise. */
  offset: Float64Array;
  /** Scale use b_w (below 1: compresses the scale, above 1: stretches it). */
  scale: Float64Array;
  /** Residual sd per worker. */
  noise: Float64Array;
  iterations: number;
  converged: boolean;
}

/**
 * Continuous scores for an ordinal scale (e.g. 0-5 quality) that correct each annotator's offset and
 * scale use: answer = a_w + b_w · z_item + N(0, σ_w²), with shrinkage priors a_w ~ N(0, τa²),
 * b_w ~ N(1, τb²) and z ~ N(mean, var) of all answers. The priors pin the latent scale to the answer scale,
 * so a worker who is always one point high gets a_w ≈ +1 instead of moving the items. Fitted by EM:
 * Gaussian posteriors for items, then a ridge regression per worker using E[z] and E[z²].
 */
export function ordinalBiasModel(data: NumericJudgments, options: OrdinalOptions = {}): OrdinalResult {
  const { nItems, nWorkers, item, worker, value } = data;
  const n = item.length;
  const maxIterations = options.maxIterations ?? 1000;
  const tolerance = options.tolerance ?? 1e-5;
  const z95 = options.intervalZ ?? 1.96;
  const nu = options.noiseShrinkage ?? 3;

  let mean = 0;
  for (let j = 0; j < n; j++) mean += value[j];
  mean /= n;
  let variance = 0;
  for (let j = 0; j < n; j++) variance += (value[j] - mean) ** 2;
  variance = Math.max(variance / n, 1e-9);
  const offsetPrecision = 1 / ((options.offsetPriorSd ?? 0.3) ** 2 * variance);
  const scalePrecision = 1 / (options.scalePriorSd ?? 0.2) ** 2;

  const offset = new Float64Array(nWorkers);
  const scale = new Float64Array(nWorkers).fill(1);
  const noiseVar = new Float64Array(nWorkers).fill(variance / 4);
  const score = new Float64Array(nItems).fill(NaN);
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

  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations && !converged) {
    iterations++;
    weighted.fill(mean / variance);
    precision.fill(1 / variance);
    for (let j = 0; j < n; j++) {
      const w = worker[j];
      weighted[item[j]] += (scale[w] * (value[j] - offset[w])) / noiseVar[w];
      precision[item[j]] += (scale[w] * scale[w]) / noiseVar[w];
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
      // Expected squared residual Σ E[(y - a - b z)²].
      const rss = sYY[w] - 2 * a * sY[w] - 2 * b * sYZ[w] + a * a * sN[w] + 2 * a * b * sZ[w] + b * b * sZZ[w];
      noiseVar[w] = Math.max(rss, 0);
      pooled += noiseVar[w];
    }
    pooled = Math.max(pooled / n, variance * 1e-4);
    for (let w = 0; w < nWorkers; w++) noiseVar[w] = (noiseVar[w] + nu * pooled) / (sN[w] + nu);
    converged = change < tolerance * Math.sqrt(variance);
  }

  const judged = new Uint8Array(nItems);
  for (let j = 0; j < n; j++) judged[item[j]] = 1;
  const sd = new Float64Array(nItems);
  const low = new Float64Array(nItems);
  const high = new Float64Array(nItems);
  for (let i = 0; i < nItems; i++) {
    if (!judged[i]) {
      score[i] = sd[i] = low[i] = high[i] = NaN;
      continue;
    }
    sd[i] = Math.sqrt(itemVar[i]);
    low[i] = score[i] - z95 * sd[i];
    high[i] = score[i] + z95 * sd[i];
  }
  return { score, low, high, sd, offset, scale, noise: noiseVar.map(Math.sqrt), iterations, converged };
}

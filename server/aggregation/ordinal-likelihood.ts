/**
 * Item scores under the likelihood of answers given on scale points: worker w answers the scale point nearest to
 * a_w + b_w · z + N(0, σ_w²), clipped to the ends of the scale. Treating such answers as exact numbers makes five
 * low-noise workers who all round 2.4 down to 2 look five times as sure of 2, and an answer at the top of the scale
 * look as informative as one in the middle; the rounded-and-clipped likelihood knows the first only places the
 * item within a point and the second only above the last half point.
 */
import type { NumericJudgments } from './types.ts';

/** Whether the answers are points of an integer scale of modest length, the case the likelihood below is for. */
export function onScalePoints(value: Float64Array, range: { min: number; max: number }): boolean {
  if (!Number.isInteger(range.min) || !Number.isInteger(range.max) || range.max - range.min > 20 || range.max <= range.min) return false;
  return value.every((v) => Number.isInteger(v) && v >= range.min && v <= range.max);
}

/** What the Gaussian fit learnt, in the terms of the latent answer before rounding. */
export interface LatentModel {
  offset: Float64Array;
  scale: Float64Array;
  /** Variance of each judgment's latent answer around a_w + b_w · z. */
  judgmentVariance: Float64Array;
  /** Prior of the item scores. */
  mean: number;
  variance: number;
}

/**
 * Posterior mean and variance of each item's score on a grid over the scale (the reference scores live on it),
 * given the workers' fitted parameters. Items without judgments keep the prior.
 */
export function scalePointPosterior(data: NumericJudgments, model: LatentModel, range: { min: number; max: number }, gridSize = 101) {
  const { nItems, item, worker, value } = data;
  const grid = Float64Array.from({ length: gridSize }, (_, g) => range.min + ((range.max - range.min) * g) / (gridSize - 1));
  const logPosterior = new Float64Array(nItems * gridSize);
  for (let i = 0; i < nItems; i++) {
    for (let g = 0; g < gridSize; g++) logPosterior[i * gridSize + g] = -((grid[g] - model.mean) ** 2) / (2 * model.variance);
  }
  for (let j = 0; j < item.length; j++) {
    const w = worker[j];
    const sd = Math.sqrt(model.judgmentVariance[j]);
    const [lo, hi] = latentBounds(value[j], range);
    const row = item[j] * gridSize;
    for (let g = 0; g < gridSize; g++) {
      const mu = model.offset[w] + model.scale[w] * grid[g];
      logPosterior[row + g] += Math.log(Math.max(intervalProbability((lo - mu) / sd, (hi - mu) / sd), 1e-300));
    }
  }
  const score = new Float64Array(nItems);
  const variance = new Float64Array(nItems);
  for (let i = 0; i < nItems; i++) {
    const row = i * gridSize;
    let top = -Infinity;
    for (let g = 0; g < gridSize; g++) top = Math.max(top, logPosterior[row + g]);
    let total = 0;
    let first = 0;
    let second = 0;
    for (let g = 0; g < gridSize; g++) {
      const p = Math.exp(logPosterior[row + g] - top);
      total += p;
      first += p * grid[g];
      second += p * grid[g] * grid[g];
    }
    score[i] = first / total;
    variance[i] = Math.max(second / total - score[i] * score[i], 0);
  }
  return { score, variance };
}

/** P(lo < Z < hi) for a standard normal Z, from whichever tail keeps its digits. */
function intervalProbability(lo: number, hi: number): number {
  if (lo > 0) return 0.5 * (erfc(lo / Math.SQRT2) - erfc(hi / Math.SQRT2));
  if (hi < 0) return 0.5 * (erfc(-hi / Math.SQRT2) - erfc(-lo / Math.SQRT2));
  return 1 - 0.5 * (erfc(-lo / Math.SQRT2) + erfc(hi / Math.SQRT2));
}

/** The complementary error function (Numerical Recipes' erfcc: relative error below 1.2e-7 everywhere). */
function erfc(x: number): number {
  if (x === Infinity) return 0;
  if (x === -Infinity) return 2;
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** The latent answer's bounds for a scale-point answer: within half a point, or beyond the last half point at an end. */
function latentBounds(value: number, range: { min: number; max: number }): [number, number] {
  return [value <= range.min ? -Infinity : value - 0.5, value >= range.max ? Infinity : value + 0.5];
}

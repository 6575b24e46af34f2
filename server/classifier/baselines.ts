/**
 * The baselines every evaluation is reported beside, fitted on the same training examples: the majority class
 * (its probabilities are the training class shares, so its expected value is one constant and it ranks nothing),
 * and a length-only model, a multinomial logistic regression on the standardized log character count. A text
 * classifier that does not beat the second has learned only that good pages are long.
 */

/** The training class shares. */
export function majorityBaseline(truth: ArrayLike<number>, classes: number): Float64Array {
  const shares = new Float64Array(classes);
  for (let i = 0; i < truth.length; i++) shares[truth[i]] += 1 / truth.length;
  return shares;
}

export interface LengthModel {
  mean: number;
  sd: number;
  /** Per class: intercept and slope on the standardized log length. */
  coefficients: Float64Array;
}

const ITERATIONS = 500;
const STEP = 1;

function logLength(text: string): number {
  return Math.log1p(text.length);
}

/** Full-batch gradient descent on the mean log loss (convex; deterministic, no seed needed). */
export function fitLengthModel(texts: readonly string[], truth: ArrayLike<number>, classes: number): LengthModel {
  const x = Float64Array.from(texts, logLength);
  const n = x.length;
  const mean = x.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / n) || 1;
  for (let i = 0; i < n; i++) x[i] = (x[i] - mean) / sd;
  const coefficients = new Float64Array(classes * 2);
  const gradient = new Float64Array(classes * 2);
  const p = new Float64Array(classes);
  for (let iteration = 0; iteration < ITERATIONS; iteration++) {
    gradient.fill(0);
    for (let i = 0; i < n; i++) {
      softmax(coefficients, x[i], p);
      for (let c = 0; c < classes; c++) {
        const error = p[c] - (truth[i] === c ? 1 : 0);
        gradient[2 * c] += error / n;
        gradient[2 * c + 1] += (error * x[i]) / n;
      }
    }
    for (let j = 0; j < coefficients.length; j++) coefficients[j] -= STEP * gradient[j];
  }
  return { mean, sd, coefficients };
}

export function lengthProbabilities(model: LengthModel, text: string): Float64Array {
  const p = new Float64Array(model.coefficients.length / 2);
  softmax(model.coefficients, (logLength(text) - model.mean) / model.sd, p);
  return p;
}

function softmax(coefficients: Float64Array, x: number, out: Float64Array): void {
  let max = -Infinity;
  for (let c = 0; c < out.length; c++) {
    out[c] = coefficients[2 * c] + coefficients[2 * c + 1] * x;
    if (out[c] > max) max = out[c];
  }
  let z = 0;
  for (let c = 0; c < out.length; c++) z += out[c] = Math.exp(out[c] - max);
  for (let c = 0; c < out.length; c++) out[c] /= z;
}

/** Small numeric kernels shared by the aggregation methods. */

/**
 * Turns each row of log-scores into probabilities in place and returns Σ rows' log-normaliser (the data
 * log-likelihood when the rows hold log joint probabilities). One exp per cell: the shifted exponentials
 * are stored, then scaled.
 */
export function softmaxRows(logScores: Float64Array, rows: number, cols: number): number {
  let total = 0;
  for (let r = 0, o = 0; r < rows; r++, o += cols) {
    let max = -Infinity;
    for (let k = 0; k < cols; k++) if (logScores[o + k] > max) max = logScores[o + k];
    let sum = 0;
    for (let k = 0; k < cols; k++) sum += logScores[o + k] = Math.exp(logScores[o + k] - max);
    for (let k = 0; k < cols; k++) logScores[o + k] /= sum;
    total += max + Math.log(sum);
  }
  return total;
}

/**
 * {@link softmaxRows}, returning instead Σ p·log p over every cell (minus the rows' entropy), read off the shifted
 * log-scores the exponentials are taken of: log p = (score − max) − log(row sum), so no logarithm per cell.
 */
export function softmaxRowsNegativeEntropy(logScores: Float64Array, rows: number, cols: number): number {
  let total = 0;
  for (let r = 0, o = 0; r < rows; r++, o += cols) {
    let max = -Infinity;
    for (let k = 0; k < cols; k++) if (logScores[o + k] > max) max = logScores[o + k];
    let sum = 0;
    let weighted = 0;
    for (let k = 0; k < cols; k++) {
      const shifted = logScores[o + k] - max;
      const e = Math.exp(shifted);
      logScores[o + k] = e;
      sum += e;
      if (e > 0) weighted += e * shifted;
    }
    for (let k = 0; k < cols; k++) logScores[o + k] /= sum;
    total += weighted / sum - Math.log(sum);
  }
  return total;
}

/** Fills `m` with copies of `row` end to end (`m.length` a multiple of its length), doubling the filled part each copy. */
export function repeatRow(m: Float64Array, row: ArrayLike<number>): void {
  if (m.length === 0) return;
  m.set(row, 0);
  for (let filled = row.length; filled < m.length; filled *= 2) m.copyWithin(filled, 0, Math.min(filled, m.length - filled));
}

/** Divides each row by its sum in place; all-zero rows become uniform (nothing is known about them). */
export function normalizeRows(m: Float64Array, rows: number, cols: number): void {
  for (let r = 0, o = 0; r < rows; r++, o += cols) {
    let sum = 0;
    for (let k = 0; k < cols; k++) sum += m[o + k];
    if (sum > 0) for (let k = 0; k < cols; k++) m[o + k] /= sum;
    else for (let k = 0; k < cols; k++) m[o + k] = 1 / cols;
  }
}

/** Median of a copy of the values (NaN when empty). */
export function median(values: ArrayLike<number>): number {
  return quantile(values, 0.5);
}

/** Linear-interpolated quantile `q` in [0, 1] of a copy of the values (NaN when empty). */
export function quantile(values: ArrayLike<number>, q: number): number {
  const n = values.length;
  if (n === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Digamma ψ(x) for x > 0, by recurrence up to 6 then the asymptotic series (error < 1e-12). */
export function digamma(x: number): number {
  let result = 0;
  while (x < 6) {
    result -= 1 / x;
    x += 1;
  }
  const f = 1 / (x * x);
  return result + Math.log(x) - 0.5 / x - f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f / 132))));
}

/** log(x) − ψ(x) by the asymptotic series, for x >= 6. */
function digammaTail(x: number): number {
  const f = 1 / (x * x);
  return 0.5 / x + f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f / 132))));
}

/**
 * ψ(a) − ψ(b) for a, b > 0 as {@link digamma} computes each, with one logarithm (of a/b) for the two: the
 * logarithm is most of a digamma's cost, and the answer calibration takes ten million such differences at 10^6
 * answers.
 */
export function digammaDifference(a: number, b: number): number {
  let result = 0;
  while (a < 6) {
    result -= 1 / a;
    a += 1;
  }
  while (b < 6) {
    result += 1 / b;
    b += 1;
  }
  return result + Math.log(a / b) - digammaTail(a) + digammaTail(b);
}

/** Logistic function. */
export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** log σ(x), exact for large |x| where σ itself would round to 0 or 1. */
export function logSigmoid(x: number): number {
  return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
}

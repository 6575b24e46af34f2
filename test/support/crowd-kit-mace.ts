/**
 * crowd-kit 1.4.1's MACE fit (crowdkit/aggregation/classification/mace.py, Apache-2.0), rebuilt step for step
 * so the dataset tests can show where the MACE figures in shared/data/crowd/README.md come from.
 *
 * crowd-kit numbers workers and labels by order of first appearance (pd.factorize) and reads each worker's
 * spamming strategy at those numbers, but it builds the strategy table with a pandas groupby, whose rows are
 * workers in sorted order and whose columns are labels in sorted order. Each worker is thus scored with the
 * strategy counted for another worker, and each label with another label's share. `table: 'as-shipped'`
 * keeps that; `'aligned'` counts every answer at the numbers it is read by, nothing else changed.
 *
 * What the rebuild keeps from crowd-kit's defaults: uniform class prior; variational M-step with Beta(0.5, 0.5)
 * on spamming and Dirichlet(10) on strategies; 50 iterations; a start drawn from numpy's RandomState(0)
 * (uniform on [1, 2.5], rows normalised). Its 10 restarts all reseed RandomState(0), so they are one start
 * repeated and one is run here. Ties go to the label seen first.
 */
import { buildCodebook } from '../../server/aggregation/encode.ts';
import type { EncodedAnswers } from '../../server/aggregation/encode.ts';
import { digamma } from '../../server/aggregation/numeric.ts';

/** numpy's legacy `RandomState(seed).random_sample(count)`: MT19937 seeded by init_genrand, 53-bit doubles. */
export function numpyRandomSample(seed: number, count: number): Float64Array {
  const mt = new Uint32Array(624);
  mt[0] = seed >>> 0;
  for (let i = 1; i < 624; i++) mt[i] = Math.imul(1812433253, mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
  let next = 624;
  const word = (): number => {
    if (next === 624) {
      for (let k = 0; k < 624; k++) {
        const y = (mt[k] & 0x80000000) | (mt[(k + 1) % 624] & 0x7fffffff);
        mt[k] = mt[(k + 397) % 624] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      next = 0;
    }
    let y = mt[next++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  };
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = ((word() >>> 5) * 67108864 + (word() >>> 6)) / 9007199254740992;
  return out;
}

/** Draws like `scipy.stats.uniform(1, 1.5).rvs(size=(rows, cols), random_state=0)`, each row normalised. */
function randomStart(rows: number, cols: number): Float64Array {
  const m = numpyRandomSample(0, rows * cols).map((u) => 1 + 1.5 * u);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += m[r * cols + c];
    for (let c = 0; c < cols; c++) m[r * cols + c] /= sum;
  }
  return m;
}

/**
 * crowd-kit's MACE labels for the encoded answers (items and workers numbered by first appearance, as
 * `encodeAnswers` does), as class codes of `encoded.labels`.
 */
export function crowdKitMace(encoded: EncodedAnswers, table: 'as-shipped' | 'aligned'): Int32Array {
  const nItems = encoded.items.names.length;
  const nWorkers = encoded.workers.names.length;
  const L = encoded.labels.names.length;
  const n = encoded.item.length;
  // Labels renumbered by first appearance, as pd.factorize does; `sortedOf` maps back to sorted codes.
  const factorized = new Int32Array(L).fill(-1);
  const sortedOf: number[] = [];
  for (const code of encoded.label) if (factorized[code] < 0) factorized[code] = sortedOf.push(code) - 1;
  const label = encoded.label.map((code) => factorized[code]);
  const { item, worker } = encoded;
  const sortedWorkers = buildCodebook(encoded.workers.names, true).index;
  const row = Int32Array.from(encoded.workers.names, (name, w) => (table === 'aligned' ? w : sortedWorkers.get(name)!));
  const column = table === 'aligned' ? Int32Array.from({ length: L }, (_, l) => l) : Int32Array.from(sortedOf);

  const spamming = randomStart(nWorkers, 2); // [spam, know] per worker
  const theta = randomStart(nWorkers, L);
  const marginal = new Float64Array(nItems * L);
  const instance = new Float64Array(nItems);
  const knowingCounts = new Float64Array(nWorkers * 2);
  const strategyCounts = new Float64Array(nWorkers * L);

  const eStep = () => {
    marginal.fill(1);
    for (let j = 0; j < n; j++) {
      const w = worker[j];
      const spam = spamming[2 * w] * theta[w * L + label[j]];
      for (let c = 0; c < L; c++) marginal[item[j] * L + c] *= spam + (c === label[j] ? spamming[2 * w + 1] : 0);
    }
    for (let i = 0; i < nItems; i++) {
      let sum = 0;
      for (let c = 0; c < L; c++) sum += marginal[i * L + c] /= L;
      instance[i] = sum;
    }
    knowingCounts.fill(0);
    strategyCounts.fill(0);
    for (let j = 0; j < n; j++) {
      const w = worker[j];
      const o = item[j] * L;
      const spam = spamming[2 * w] * theta[w * L + label[j]];
      const know = spamming[2 * w + 1];
      let spammed = 0;
      for (let c = 0; c < L; c++) spammed += marginal[o + c] / (spam + (c === label[j] ? know : 0));
      spammed = (spammed * spam) / instance[item[j]];
      knowingCounts[2 * w] += spammed;
      knowingCounts[2 * w + 1] += (marginal[o + label[j]] * know) / (spam + know) / instance[item[j]];
      strategyCounts[row[w] * L + column[label[j]]] += spammed;
    }
  };

  const variationalNormalize = (target: Float64Array, counts: Float64Array, w: number, width: number, prior: number) => {
    let sum = 0;
    for (let k = 0; k < width; k++) sum += counts[w * width + k] + prior;
    const norm = Math.exp(digamma(sum));
    for (let k = 0; k < width; k++) target[w * width + k] = Math.exp(digamma(counts[w * width + k] + prior)) / norm;
  };

  eStep();
  for (let it = 0; it < 50; it++) {
    for (let w = 0; w < nWorkers; w++) {
      variationalNormalize(spamming, knowingCounts, w, 2, 0.5);
      variationalNormalize(theta, strategyCounts, w, L, 10);
    }
    eStep();
  }

  const predicted = new Int32Array(nItems);
  for (let i = 0; i < nItems; i++) {
    let best = 0;
    for (let c = 1; c < L; c++) if (marginal[i * L + c] > marginal[i * L + best]) best = c;
    predicted[i] = sortedOf[best];
  }
  return predicted;
}

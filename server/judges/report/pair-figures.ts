/**
 * Agreement between two raters over the same documents (an LLM judge and the human consensus), from the codes and
 * values each gave. Built on the engine's own kappa, alpha and the classifier's Spearman, so a figure reads the same
 * on every page.
 */
import { cohenKappaFromTable } from '../../aggregation/cohen-kappa.ts';
import { krippendorffAlpha } from '../../aggregation/krippendorff-alpha.ts';
import { studentTQuantile } from '../../aggregation/student-t.ts';
import { spearman } from '../../classifier/evaluate.ts';

/** What two raters gave each shared document: a class code (0..K-1) and, on ordered scales, the value itself. */
export interface RaterPairs {
  nClasses: number;
  /** Human consensus class per document. */
  humanClass: Int32Array;
  /** Judge class per document. */
  judgeClass: Int32Array;
  /** Values on the task's scale (ordinal score; pairwise 1 = A, 0.5 = tie, 0 = B); absent for unordered classes. */
  humanValue?: Float64Array;
  judgeValue?: Float64Array;
}

/** Mean of judge minus human with a 95% Student-t interval. */
export interface Offset {
  mean: number;
  low: number;
  high: number;
}

/** The agreement figures of one judge against the human consensus. */
export interface PairFigures {
  shared: number;
  /** Share of documents where the judge's class is the consensus class. */
  accuracy: number | null;
  cohenKappa: number | null;
  /** Quadratic-weighted kappa (ordered scales only). */
  weightedKappa: number | null;
  alphaNominal: number | null;
  alphaOrdinal: number | null;
  alphaInterval: number | null;
  spearman: number | null;
  offset: Offset | null;
  /** Counts, row = human consensus class, column = judge class. */
  confusion: number[][];
}

const finite = (x: number | null | undefined) => (x !== null && x !== undefined && Number.isFinite(x) ? x : null);

/** The K×K contingency table, row-major, row = human, column = judge. */
export function contingencyTable(p: Pick<RaterPairs, 'nClasses' | 'humanClass' | 'judgeClass'>): Float64Array {
  const K = p.nClasses;
  const table = new Float64Array(K * K);
  for (let i = 0; i < p.humanClass.length; i++) table[p.humanClass[i] * K + p.judgeClass[i]]++;
  return table;
}

/**
 * Cohen's kappa with quadratic disagreement weights (w = ((a - b) / (K - 1))^2), the usual figure for an ordinal scale
 * such as FineWeb-Edu's 0-5: a judge one point off costs far less than one five points off. NaN without variation.
 * Hand-written: cohen-kappa.ts has the unweighted form only, and this is ten lines over the same table.
 */
export function quadraticWeightedKappa(table: Float64Array, nClasses: number): number {
  const K = nClasses;
  if (K < 2) return NaN;
  const rows = new Float64Array(K);
  const cols = new Float64Array(K);
  let total = 0;
  for (let a = 0; a < K; a++) {
    for (let b = 0; b < K; b++) {
      rows[a] += table[a * K + b];
      cols[b] += table[a * K + b];
      total += table[a * K + b];
    }
  }
  let observed = 0;
  let expected = 0;
  for (let a = 0; a < K; a++) {
    for (let b = 0; b < K; b++) {
      const w = ((a - b) / (K - 1)) ** 2;
      observed += (w * table[a * K + b]) / total;
      expected += (w * rows[a] * cols[b]) / (total * total);
    }
  }
  return 1 - observed / expected;
}

/** Mean and 95% t interval of the differences; null for fewer than two. */
export function meanOffset(judge: ArrayLike<number>, human: ArrayLike<number>): Offset | null {
  const n = judge.length;
  if (n < 2) return null;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += judge[i] - human[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (judge[i] - human[i] - mean) ** 2;
  const half = studentTQuantile(0.975, n - 1) * Math.sqrt(ss / (n - 1) / n);
  return { mean, low: mean - half, high: mean + half };
}

/** Krippendorff's alpha treating the judge and the consensus as two coders of each document. */
function twoCoderAlpha(human: ArrayLike<number>, judge: ArrayLike<number>, metric: 'nominal' | 'ordinal' | 'interval'): number | null {
  const n = human.length;
  if (n < 2) return null;
  const unit = new Int32Array(2 * n);
  const value = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    unit[2 * i] = unit[2 * i + 1] = i;
    value[2 * i] = human[i];
    value[2 * i + 1] = judge[i];
  }
  return finite(krippendorffAlpha({ nUnits: n, unit, value }, metric).alpha);
}

/** Every figure of one judge against the consensus; the ordered-scale ones stay null for unordered classes. */
export function pairFigures(p: RaterPairs): PairFigures {
  const K = p.nClasses;
  const n = p.humanClass.length;
  const table = contingencyTable(p);
  const confusion = Array.from({ length: K }, (_, a) => Array.from(table.subarray(a * K, (a + 1) * K)));
  const ordered = p.humanValue !== undefined && p.judgeValue !== undefined;
  let hits = 0;
  for (let a = 0; a < K; a++) hits += table[a * K + a];
  return {
    shared: n,
    accuracy: n > 0 ? hits / n : null,
    cohenKappa: n > 0 ? finite(cohenKappaFromTable(table, K)) : null,
    weightedKappa: ordered && n > 0 ? finite(quadraticWeightedKappa(table, K)) : null,
    alphaNominal: twoCoderAlpha(p.humanClass, p.judgeClass, 'nominal'),
    alphaOrdinal: ordered ? twoCoderAlpha(p.humanClass, p.judgeClass, 'ordinal') : null,
    alphaInterval: ordered ? twoCoderAlpha(p.humanValue!, p.judgeValue!, 'interval') : null,
    spearman: ordered ? finite(spearman(p.judgeValue!, p.humanValue!)) : null,
    offset: ordered ? meanOffset(p.judgeValue!, p.humanValue!) : null,
    confusion,
  };
}

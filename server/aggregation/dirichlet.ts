import { digamma } from './numeric.ts';

/**
 * E[log p] under Dirichlet posteriors, one per row of `counts` (`rows × cols`, pseudo-counts included, all > 0):
 * ψ(a) − ψ(Σ a). Used in place of the log of the normalised counts, it tempers a row fitted on few answers, since the
 * expectation falls short of the point estimate's log by about 1/(2a) for small counts (the variational Bayes
 * treatment of confusion matrices in IBCC).
 */
export function expectedLogDirichlet(counts: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0, o = 0; r < rows; r++, o += cols) {
    let total = 0;
    for (let c = 0; c < cols; c++) total += counts[o + c];
    const psiTotal = digamma(total);
    for (let c = 0; c < cols; c++) out[o + c] = digamma(counts[o + c]) - psiTotal;
  }
  return out;
}

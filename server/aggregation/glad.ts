import type { CategoricalJudgments, CategoricalResult, IterativeOptions } from './types.ts';
import { clearUnjudged, decide, initialPosterior } from './posterior.ts';
import { matchModelEStep } from './match-model.ts';
import { runEm } from './em-loop.ts';
import { sigmoid } from './numeric.ts';
import { assertCategorical } from './validate.ts';

/** GLAD output: per-item decision plus worker ability α and item inverse difficulty β (> 0). */
export type GladResult = CategoricalResult & { ability: Float64Array; inverseDifficulty: Float64Array };

/**
 * GLAD (Whitehill et al. 2009): P(correct) = σ(α_worker · β_item), wrong answers uniform over the other
 * classes. Pays off when items differ in difficulty. Priors α ~ N(1, 1) and log β ~ N(0, 1) keep the fit
 * identifiable; the M-step takes a few clipped Newton steps per block (α given β, then β given α), each
 * block separable by worker or item. The class prior is uniform, as in the paper: with wrong answers spread
 * evenly, an estimated prior feeds on itself until one class takes nearly every item (on zheng_s_rel 81% of
 * items went to class 1 and accuracy fell to 0.28, against 0.50 now and 0.54 for majority vote).
 */
export function glad(data: CategoricalJudgments, options: IterativeOptions = {}): GladResult {
  assertCategorical(data);
  const { nItems, nWorkers, nClasses: K, item, worker, label } = data;
  const n = item.length;
  const posterior = initialPosterior(data);
  const ability = new Float64Array(nWorkers).fill(1);
  const logBeta = new Float64Array(nItems);
  const inverseDifficulty = new Float64Array(nItems);
  const logMatch = new Float64Array(n);
  const logMiss = new Float64Array(n);
  const grad = new Float64Array(Math.max(nItems, nWorkers));
  const curvature = new Float64Array(Math.max(nItems, nWorkers));
  const logWrongShare = Math.log(K - 1);
  const logPrior = new Float64Array(K).fill(-Math.log(K));
  // β per item, exponentiated once per pass rather than once per judgment.
  const refreshInverseDifficulty = () => {
    for (let i = 0; i < nItems; i++) inverseDifficulty[i] = Math.exp(logBeta[i]);
  };

  // Each judgment's posterior cell (item × K + label), read by every Newton pass.
  const slot = new Int32Array(n);
  for (let j = 0; j < n; j++) slot[j] = item[j] * K + label[j];

  // One Newton step on α (block 0) or log β (block 1), from the expected log-likelihood given the posterior. The
  // two blocks are separate loops, not one with the block tested per judgment: this is GLAD's hot loop, six
  // passes over the judgments per iteration.
  const newtonStep = (block: 0 | 1) => {
    const size = block === 0 ? nWorkers : nItems;
    const params = block === 0 ? ability : logBeta;
    const priorMean = block === 0 ? 1 : 0;
    for (let u = 0; u < size; u++) {
      grad[u] = -(params[u] - priorMean);
      curvature[u] = 1;
    }
    refreshInverseDifficulty();
    if (block === 0) {
      for (let j = 0; j < n; j++) {
        const b = inverseDifficulty[item[j]];
        const p = sigmoid(ability[worker[j]] * b);
        const u = worker[j];
        grad[u] += (posterior[slot[j]] - p) * b;
        curvature[u] += p * (1 - p) * b * b;
      }
    } else {
      for (let j = 0; j < n; j++) {
        const x = ability[worker[j]] * inverseDifficulty[item[j]];
        const p = sigmoid(x);
        const u = item[j];
        grad[u] += (posterior[slot[j]] - p) * x;
        curvature[u] += p * (1 - p) * x * x;
      }
    }
    for (let u = 0; u < size; u++) params[u] += Math.max(-1, Math.min(1, grad[u] / curvature[u]));
  };

  const fit = runEm(
    () => {
      for (let s = 0; s < 3; s++) {
        newtonStep(0);
        newtonStep(1);
      }
      refreshInverseDifficulty();
      for (let j = 0; j < n; j++) {
        const x = ability[worker[j]] * inverseDifficulty[item[j]];
        // log σ(x) and log σ(−x) share log(1 + e^−|x|): one exponential and one logarithm for the two.
        const shared = Math.log1p(Math.exp(-Math.abs(x)));
        logMatch[j] = x >= 0 ? -shared : x - shared;
        logMiss[j] = (x >= 0 ? -x - shared : -shared) - logWrongShare;
      }
      return matchModelEStep(posterior, data, logPrior, logMatch, logMiss);
    },
    n,
    options,
    { maxIterations: 100, tolerance: 1e-7 },
  );
  clearUnjudged(posterior, data);
  return { ...decide(posterior, nItems, K, fit), ability, inverseDifficulty };
}

import type { CategoricalJudgments, CategoricalResult, IterativeOptions } from './types.ts';
import { classPrior, clearUnjudged, decide, voteTable } from './posterior.ts';
import { itemRuns, linearEStepWithTallies, matchModelEStep } from './match-model.ts';
import { runEm } from './em-loop.ts';
import { digammaDifference, normalizeRows } from './numeric.ts';
import { seededRandom } from './random.ts';
import { assertCategorical } from './validate.ts';

/** Options for MACE. */
export interface MaceOptions extends IterativeOptions {
  /** Random restarts; the one with the highest log-likelihood wins (default 10). */
  restarts?: number;
  /** Seed for the restarts' random starting points (default 1). */
  seed?: number;
  /** Beta(alpha, beta) prior on each worker's spamming probability (defaults 0.5, 0.5). */
  spamPriorAlpha?: number;
  spamPriorBeta?: number;
  /**
   * Dirichlet pseudo-count on each worker's spamming strategy (default 2). MACE's 10 holds strategies near uniform;
   * 2 lets a worker's habitual answer show: higher accuracy on 8 of the 15 shared crowd datasets, lower on 2 (by 0.2 points at most).
   */
  strategySmoothing?: number;
}

/** MACE output: per-item decision plus each worker's spamming probability and spamming strategy. */
export type MaceResult = CategoricalResult & {
  /** P(worker answers at random from their strategy rather than the truth). */
  spamProbability: Float64Array;
  /** `nWorkers × nClasses`: the label distribution a worker uses when spamming. */
  strategy: Float64Array;
  logLikelihood: number;
};

interface MaceParameters {
  logSpam: Float64Array;
  logTrust: Float64Array;
  logStrategy: Float64Array;
}

/**
 * MACE (Hovy et al. 2013, "Learning Whom to Trust with MACE"): each worker either copies the truth or,
 * with probability θ, spams from a personal label distribution. Fitted by variational Bayes (digamma
 * weights under Beta/Dirichlet priors) from several seeded starts. Unlike the paper, the class prior is
 * estimated rather than uniform: with skewed classes and few answers per item a uniform prior lets
 * spam strategies soak up the majority class (8 points lower on zheng_d_product).
 *
 * The label is the most probable of the classes the item's annotators gave. In MACE a judgment is the truth
 * or noise, so the judgments never support a class nobody gave more than one somebody gave: choosing it is
 * the class prior outvoting every annotator, typically on an item one worker judged alone. Such an item keeps
 * its annotators' answer at the low confidence the posterior gives it, which sends it to review instead of
 * exporting a base-rate guess as a label. The posterior itself is left as the model computed it.
 */
export function mace(data: CategoricalJudgments, options: MaceOptions = {}): MaceResult {
  assertCategorical(data);
  const { nItems, nWorkers, nClasses: K, worker, label, item } = data;
  const n = item.length;
  const alpha = options.spamPriorAlpha ?? 0.5;
  const beta = options.spamPriorBeta ?? 0.5;
  const gamma = options.strategySmoothing ?? 2;
  const random = seededRandom(options.seed ?? 1);
  const logPrior = new Float64Array(K);

  const spamCount = new Float64Array(nWorkers);
  const trustCount = new Float64Array(nWorkers);
  const strategyCount = new Float64Array(nWorkers * K);
  // A judgment's likelihoods depend only on its worker and label, so they are kept per (worker, label) cell,
  // `cell[j]` naming judgment j's: the logs and exponentials are taken nWorkers × K times per iteration, not once per judgment.
  const cell = new Int32Array(n);
  const cellSize = new Float64Array(nWorkers * K);
  for (let j = 0; j < n; j++) cellSize[(cell[j] = worker[j] * K + label[j])]++;
  const logMatch = new Float64Array(nWorkers * K);
  const logMiss = new Float64Array(nWorkers * K);
  const spamIfCorrect = new Float64Array(nWorkers * K);
  const correctSum = new Float64Array(nWorkers * K);

  // Start 0 is deterministic (spam 0.5, uniform strategy: the first E-step is then a majority vote); the
  // others perturb it moderately, since far-off starts land in degenerate optima.
  const start = (restart: number): MaceParameters => {
    const p: MaceParameters = {
      logSpam: new Float64Array(nWorkers),
      logTrust: new Float64Array(nWorkers),
      logStrategy: new Float64Array(nWorkers * K),
    };
    for (let w = 0; w < nWorkers; w++) {
      const spam = restart === 0 ? 0.5 : 0.3 + 0.4 * random();
      p.logSpam[w] = Math.log(spam);
      p.logTrust[w] = Math.log(1 - spam);
      let sum = 0;
      for (let k = 0; k < K; k++) sum += p.logStrategy[w * K + k] = restart === 0 ? 1 : 1 + 1.5 * random();
      for (let k = 0; k < K; k++) p.logStrategy[w * K + k] = Math.log(p.logStrategy[w * K + k] / sum);
    }
    return p;
  };

  const runs = itemRuns(data, cell, nWorkers * K);
  const classMass = new Float64Array(K);
  // The E-step also tallies what the M-step reads (correctSum, classMass), in one pass over the judgments; where
  // the linear E-step's precision fails it runs in log space and the tallies are taken after.
  const eStep = (p: MaceParameters, posterior: Float64Array) => {
    for (let w = 0; w < nWorkers; w++) {
      const trust = p.logTrust[w];
      for (let c = w * K; c < (w + 1) * K; c++) {
        const spam = p.logSpam[w] + p.logStrategy[c];
        logMiss[c] = spam;
        logMatch[c] = Math.max(spam, trust) + Math.log1p(Math.exp(-Math.abs(spam - trust)));
        // Given the label is the truth, the share of its likelihood explained by spamming.
        spamIfCorrect[c] = Math.exp(logMiss[c] - logMatch[c]);
      }
    }
    correctSum.fill(0);
    classMass.fill(1);
    const linear = linearEStepWithTallies(posterior, runs, K, logPrior, logMatch, logMiss, correctSum, classMass);
    if (linear !== null) return linear;
    const logLikelihood = matchModelEStep(posterior, data, logPrior, logMatch, logMiss, cell);
    correctSum.fill(0);
    for (let j = 0; j < n; j++) correctSum[cell[j]] += posterior[item[j] * K + label[j]];
    classMass.set(classPrior(posterior, nItems, K, 1));
    return logLikelihood;
  };

  const mStep = (p: MaceParameters) => {
    let mass = 0;
    for (let k = 0; k < K; k++) mass += classMass[k];
    for (let k = 0; k < K; k++) logPrior[k] = Math.log(classMass[k] / mass);
    // A judgment with posterior q on its label counts q·(1 − spamIfCorrect) as trusted and the rest as spam; both
    // are linear in q, so the judgments of a cell are summed first (correctSum, by the E-step) and split once per cell.
    spamCount.fill(0);
    trustCount.fill(0);
    for (let w = 0, c = 0; w < nWorkers; w++) {
      for (let k = 0; k < K; k++, c++) {
        const trusted = correctSum[c] * (1 - spamIfCorrect[c]);
        trustCount[w] += trusted;
        spamCount[w] += cellSize[c] - trusted;
        strategyCount[c] = gamma + cellSize[c] - trusted;
      }
    }
    for (let w = 0; w < nWorkers; w++) {
      const all = spamCount[w] + trustCount[w] + alpha + beta;
      p.logSpam[w] = digammaDifference(spamCount[w] + alpha, all);
      p.logTrust[w] = digammaDifference(trustCount[w] + beta, all);
      let total = 0;
      for (let k = 0; k < K; k++) total += strategyCount[w * K + k];
      for (let k = 0; k < K; k++) p.logStrategy[w * K + k] = digammaDifference(strategyCount[w * K + k], total);
    }
  };

  let best: { posterior: Float64Array; fit: ReturnType<typeof runEm>; spam: Float64Array; strategy: Float64Array } | null = null;
  const restarts = Math.max(1, options.restarts ?? 10);
  for (let r = 0; r < restarts; r++) {
    const p = start(r);
    logPrior.fill(-Math.log(K));
    const posterior = new Float64Array(nItems * K);
    const fit = runEm(
      () => {
        const logLikelihood = eStep(p, posterior);
        mStep(p);
        return logLikelihood;
      },
      n,
      options,
      { maxIterations: 50, tolerance: 1e-7 },
    );
    if (best && fit.logLikelihood <= best.fit.logLikelihood) continue;
    const spam = new Float64Array(nWorkers);
    const strategy = Float64Array.from(strategyCount);
    normalizeRows(strategy, nWorkers, K);
    for (let w = 0; w < nWorkers; w++) spam[w] = (spamCount[w] + alpha) / (spamCount[w] + trustCount[w] + alpha + beta);
    best = { posterior, fit, spam, strategy };
  }
  const { posterior, fit, spam, strategy } = best!;
  clearUnjudged(posterior, data);
  return {
    ...decide(posterior, nItems, K, fit, voteTable(data)),
    spamProbability: spam,
    strategy,
    logLikelihood: fit.logLikelihood,
  };
}

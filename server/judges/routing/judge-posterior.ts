/**
 * The judges' calibrated posterior for a document none of the humans labelled: each judge's confusion against the
 * human consensus (learned on the documents both labelled, as Dawid-Skene learns it), combined as independent
 * witnesses over the consensus prior. This is the aggregation's own model, so a document the judges answered
 * without any item (a corpus-wide run) gets the same kind of confidence as an aggregated item.
 */

/** What is learned per judge from the shared documents: counts, row = human class, column = judge class. */
export interface JudgeConfusion {
  judgeKey: string;
  counts: number[][];
}

/** Pseudo-count added to every cell, so a judge seen on few documents is trusted little rather than absolutely. */
const SMOOTHING = 0.5;

/** A posterior model over K classes from the judges' confusions and the humans' class counts. */
export function judgePosteriorModel(confusions: JudgeConfusion[], nClasses: number) {
  const K = nClasses;
  const prior = new Float64Array(K).fill(SMOOTHING);
  // P(judge answers j | class c), smoothed, in log.
  const logLikelihood = new Map<string, Float64Array>();
  for (const { judgeKey, counts } of confusions) {
    const table = new Float64Array(K * K);
    for (let c = 0; c < K; c++) {
      let row = 0;
      for (let j = 0; j < K; j++) row += (counts[c]?.[j] ?? 0) + SMOOTHING;
      for (let j = 0; j < K; j++) table[c * K + j] = Math.log(((counts[c]?.[j] ?? 0) + SMOOTHING) / row);
    }
    logLikelihood.set(judgeKey, table);
  }
  // The prior from the first judge's rows (every judge's rows count the same human consensus on its documents).
  for (const { counts } of confusions.slice(0, 1)) for (let c = 0; c < K; c++) for (const x of counts[c] ?? []) prior[c] += x;
  const priorTotal = prior.reduce((a, b) => a + b, 0);
  const logPrior = Float64Array.from(prior, (p) => Math.log(p / priorTotal));

  /** The posterior over classes given each judge's answer (class code) on one document. */
  return function posterior(answers: { judgeKey: string; code: number }[]): Float64Array {
    const log = Float64Array.from(logPrior);
    for (const a of answers) {
      const table = logLikelihood.get(a.judgeKey);
      if (!table || a.code < 0 || a.code >= K) continue;
      for (let c = 0; c < K; c++) log[c] += table[c * K + a.code];
    }
    const top = Math.max(...log);
    let sum = 0;
    for (let c = 0; c < K; c++) sum += log[c] = Math.exp(log[c] - top);
    for (let c = 0; c < K; c++) log[c] /= sum;
    return log;
  };
}

/** The most probable class and its probability. */
export function mapClass(posterior: Float64Array): { code: number; confidence: number } {
  let best = 0;
  for (let c = 1; c < posterior.length; c++) if (posterior[c] > posterior[best]) best = c;
  return { code: best, confidence: posterior[best] };
}

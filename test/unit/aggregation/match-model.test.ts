import { describe, expect, it } from 'vitest';
import { linearEStep, matchModelEStep } from '../../../server/aggregation/match-model.ts';
import { simulateCrowd } from '../../../server/aggregation/synthetic-crowd.ts';
import { seededRandom } from '../../../server/aggregation/random.ts';
import { repeatRow } from '../../../server/aggregation/numeric.ts';
import type { CategoricalJudgments } from '../../../server/aggregation/types.ts';

const K = 4;
const { judgments: data } = simulateCrowd({
  nItems: 300,
  judgmentsPerItem: 5,
  nWorkers: 20,
  nClasses: K,
  seed: 7,
  mix: { expert: 0.5, regular: 0.5 },
});
const cellOf = Int32Array.from(data.worker, (w, j) => w * K + data.label[j]);
const random = seededRandom(3);
const logPrior = Float64Array.from([0.4, 0.3, 0.2, 0.1], Math.log);
// Per (worker, label) cell: a judgment is likelier when its label is the truth, as in MACE.
const logMiss = Float64Array.from({ length: data.nWorkers * K }, () => Math.log(0.05 + 0.2 * random()));
const logMatch = logMiss.map((miss) => miss + Math.log(1 + 20 * random()));

/** The cell tables spread to one entry per judgment, for the log-space E-step without `cellOf`. */
const perJudgment = (table: Float64Array) => Float64Array.from(cellOf, (c) => table[c]);

function logSpace(judgments: CategoricalJudgments, match: Float64Array, miss: Float64Array) {
  const posterior = new Float64Array(judgments.nItems * K);
  return { posterior, logLikelihood: matchModelEStep(posterior, judgments, logPrior, match, miss) };
}

describe('linearEStep', () => {
  it('gives the log-space posterior and log-likelihood up to rounding', () => {
    const expected = logSpace(data, perJudgment(logMatch), perJudgment(logMiss));
    const posterior = new Float64Array(data.nItems * K);
    const logLikelihood = linearEStep(posterior, data, logPrior, logMatch, logMiss, cellOf);
    expect(logLikelihood).not.toBeNull();
    expect(logLikelihood!).toBeCloseTo(expected.logLikelihood, 8);
    for (let c = 0; c < posterior.length; c++) expect(Math.abs(posterior[c] - expected.posterior[c])).toBeLessThan(1e-12);
  });

  it('declines an item whose product would overflow, and matchModelEStep then runs in log space', () => {
    // One item with 400 judgments of the same label from a worker whose ratio is e^10: the product is e^4000.
    const n = 400;
    const many: CategoricalJudgments = {
      nItems: 1,
      nWorkers: 1,
      nClasses: K,
      item: new Int32Array(n),
      worker: new Int32Array(n),
      label: new Int32Array(n).fill(2),
    };
    const cells = new Int32Array(n).fill(2);
    const match = Float64Array.from([0, 0, 10 + Math.log(0.1), 0]);
    const miss = Float64Array.from([0, 0, Math.log(0.1), 0]);
    expect(linearEStep(new Float64Array(K), many, logPrior, match, miss, cells)).toBeNull();
    const posterior = new Float64Array(K);
    const logLikelihood = matchModelEStep(posterior, many, logPrior, match, miss, cells);
    const expected = logSpace(many, new Float64Array(n).fill(match[2]), new Float64Array(n).fill(miss[2]));
    expect(logLikelihood).toBeCloseTo(expected.logLikelihood, 6);
    expect(Array.from(posterior)).toEqual(Array.from(expected.posterior));
    expect(posterior[2]).toBeCloseTo(1, 12);
  });
});

describe('repeatRow', () => {
  it('fills the array with the row end to end, for any number of rows', () => {
    for (const rows of [0, 1, 2, 3, 5, 8, 13]) {
      const m = new Float64Array(rows * 3).fill(NaN);
      repeatRow(m, [1, 2, 3]);
      expect(Array.from(m)).toEqual(Array.from({ length: rows * 3 }, (_, k) => (k % 3) + 1));
    }
  });
});

import type { CategoricalJudgments } from './types.ts';
import { groupByItem } from './group-by-item.ts';

/** Cohen's kappa for one pair of workers over the items both judged. */
export interface PairKappa {
  workerA: number;
  workerB: number;
  sharedItems: number;
  /** NaN when chance agreement is 1 (both always gave the same single class). */
  kappa: number;
}

/** Cohen's kappa from a `K × K` contingency table. */
export function cohenKappaFromTable(table: Float64Array, nClasses: number): number {
  let total = 0;
  let agree = 0;
  const rows = new Float64Array(nClasses);
  const cols = new Float64Array(nClasses);
  for (let a = 0; a < nClasses; a++) {
    for (let b = 0; b < nClasses; b++) {
      const x = table[a * nClasses + b];
      total += x;
      rows[a] += x;
      cols[b] += x;
      if (a === b) agree += x;
    }
  }
  let chance = 0;
  for (let k = 0; k < nClasses; k++) chance += (rows[k] / total) * (cols[k] / total);
  return (agree / total - chance) / (1 - chance);
}

/**
 * Cohen's kappa for every pair of workers sharing at least `minShared` items (default 1), plus their mean.
 * Cost grows with the square of judgments per item, so pass the subset of interest.
 */
export function pairwiseCohenKappa(data: CategoricalJudgments, minShared = 1): { pairs: PairKappa[]; meanKappa: number } {
  const K = data.nClasses;
  const tables = new Map<number, Float64Array>();
  const { start, order } = groupByItem(data.item, data.nItems);
  for (let i = 0; i < data.nItems; i++) {
    for (let r = start[i]; r < start[i + 1]; r++) {
      for (let s = r + 1; s < start[i + 1]; s++) {
        let x = order[r];
        let y = order[s];
        if (data.worker[x] === data.worker[y]) continue;
        if (data.worker[x] > data.worker[y]) [x, y] = [y, x];
        const key = data.worker[x] * data.nWorkers + data.worker[y];
        let table = tables.get(key);
        if (!table) tables.set(key, (table = new Float64Array(K * K)));
        table[data.label[x] * K + data.label[y]]++;
      }
    }
  }
  const pairs: PairKappa[] = [];
  let sum = 0;
  let counted = 0;
  for (const [key, table] of tables) {
    const sharedItems = table.reduce((a, b) => a + b, 0);
    if (sharedItems < minShared) continue;
    const kappa = cohenKappaFromTable(table, K);
    pairs.push({ workerA: Math.floor(key / data.nWorkers), workerB: key % data.nWorkers, sharedItems, kappa });
    if (!Number.isNaN(kappa)) {
      sum += kappa;
      counted++;
    }
  }
  pairs.sort((p, q) => p.workerA - q.workerA || p.workerB - q.workerB);
  return { pairs, meanKappa: counted > 0 ? sum / counted : NaN };
}

import type { CategoricalJudgments } from './types.ts';

/** Throws a RangeError naming the first judgment whose ids fall outside the declared sizes. */
export function assertCategorical(data: CategoricalJudgments): void {
  const { item, worker, label } = data;
  if (worker.length !== item.length || label.length !== item.length) {
    throw new RangeError('item, worker and label must have the same length');
  }
  for (let j = 0; j < item.length; j++) {
    if (item[j] < 0 || item[j] >= data.nItems) throw new RangeError(`judgment ${j}: item ${item[j]} out of range`);
    if (worker[j] < 0 || worker[j] >= data.nWorkers) throw new RangeError(`judgment ${j}: worker ${worker[j]} out of range`);
    if (label[j] < 0 || label[j] >= data.nClasses) throw new RangeError(`judgment ${j}: label ${label[j]} out of range`);
  }
}

/** Judgments bucketed by item (compressed rows), so per-item statistics need one pass and no objects. */
export interface ItemGroups {
  /** Judgments of item i are `order[start[i]] … order[start[i + 1] - 1]`. */
  start: Int32Array;
  order: Int32Array;
}

/** Counting sort of judgment indices by item. */
export function groupByItem(item: Int32Array, nItems: number): ItemGroups {
  const start = new Int32Array(nItems + 1);
  for (let j = 0; j < item.length; j++) start[item[j] + 1]++;
  for (let i = 0; i < nItems; i++) start[i + 1] += start[i];
  const next = start.slice(0, nItems);
  const order = new Int32Array(item.length);
  for (let j = 0; j < item.length; j++) order[next[item[j]]++] = j;
  return { start, order };
}

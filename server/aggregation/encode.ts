import type { CategoricalJudgments } from './types.ts';

/** Mapping external string ids (items, workers, labels) to the dense indices the engine works on. */

/** A dense encoding of string ids: `names[index]` is the id, `index.get(id)` its position. */
export interface Codebook {
  names: string[];
  index: Map<string, number>;
}

/**
 * Codebook over the given ids. With `sorted` the ids are numbered in JavaScript string order (UTF-16 code
 * units, as Python and pandas order ASCII labels), so "lowest class index wins a tie" means "smallest label
 * string wins", the rule crowd-kit uses; otherwise in order of first appearance.
 */
export function buildCodebook(ids: Iterable<string>, sorted = false): Codebook {
  const unique = [...new Set(ids)];
  if (sorted) unique.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { names: unique, index: new Map(unique.map((id, i) => [id, i])) };
}

/** Codes for each id; throws on an id the codebook lacks. */
export function encodeIds(ids: readonly string[], book: Codebook): Int32Array {
  const out = new Int32Array(ids.length);
  for (let j = 0; j < ids.length; j++) {
    const code = book.index.get(ids[j]);
    if (code === undefined) throw new RangeError(`unknown id "${ids[j]}"`);
    out[j] = code;
  }
  return out;
}

/** Rows of (item, worker, label) strings with their encodings; labels sorted, items and workers by first appearance. */
export interface EncodedAnswers {
  items: Codebook;
  workers: Codebook;
  labels: Codebook;
  item: Int32Array;
  worker: Int32Array;
  label: Int32Array;
}

/** Encodes answer rows given as parallel string columns. */
export function encodeAnswers(item: readonly string[], worker: readonly string[], label: readonly string[]): EncodedAnswers {
  const items = buildCodebook(item);
  const workers = buildCodebook(worker);
  const labels = buildCodebook(label, true);
  return {
    items,
    workers,
    labels,
    item: encodeIds(item, items),
    worker: encodeIds(worker, workers),
    label: encodeIds(label, labels),
  };
}

/** The encoded answers as engine input: one item, worker and class per distinct id. */
export function toJudgments(encoded: EncodedAnswers): CategoricalJudgments {
  return {
    nItems: encoded.items.names.length,
    nWorkers: encoded.workers.names.length,
    nClasses: encoded.labels.names.length,
    item: encoded.item,
    worker: encoded.worker,
    label: encoded.label,
  };
}

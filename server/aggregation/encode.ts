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

/** Takes answer rows one at a time (as a CSV is read), so no column of strings is ever held. */
export interface AnswerEncoder {
  add(item: string, worker: string, label: string): void;
  /** The encoding of every row added; labels are numbered in string order only now, so ties go to the smallest. */
  finish(): EncodedAnswers;
}

/**
 * Numbers each id by first appearance as it is added, into a Map and a list of names. The last id is remembered:
 * answer files usually list an item's answers together, and comparing with it is cheaper than hashing again.
 */
function appearanceCoder(): { book: Codebook; code(id: string): number } {
  const book: Codebook = { names: [], index: new Map() };
  let last: string | undefined;
  let lastCode = -1;
  return {
    book,
    code(id) {
      if (id === last) return lastCode;
      let code = book.index.get(id);
      if (code === undefined) {
        code = book.names.length;
        book.index.set(id, code);
        book.names.push(id);
      }
      last = id;
      return (lastCode = code);
    },
  };
}

/** Copies the codes into an array twice the size. */
function grown(codes: Int32Array): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(codes.length * 2);
  bigger.set(codes);
  return bigger;
}

/** An encoder numbering items and workers by first appearance and labels in string order. */
export function answerEncoder(): AnswerEncoder {
  const items = appearanceCoder();
  const workers = appearanceCoder();
  const labels = appearanceCoder();
  let item = new Int32Array(1024);
  let worker = new Int32Array(1024);
  let label = new Int32Array(1024);
  let n = 0;
  return {
    add(i, w, l) {
      if (n === item.length) {
        item = grown(item);
        worker = grown(worker);
        label = grown(label);
      }
      item[n] = items.code(i);
      worker[n] = workers.code(w);
      label[n] = labels.code(l);
      n++;
    },
    finish() {
      const sorted = buildCodebook(labels.book.names, true);
      const toSorted = Int32Array.from(labels.book.names, (name) => sorted.index.get(name)!);
      const sortedLabel = new Int32Array(n);
      for (let j = 0; j < n; j++) sortedLabel[j] = toSorted[label[j]];
      return { items: items.book, workers: workers.book, labels: sorted, item: item.slice(0, n), worker: worker.slice(0, n), label: sortedLabel };
    },
  };
}

/** Encodes answer rows given as parallel string columns. */
export function encodeAnswers(item: readonly string[], worker: readonly string[], label: readonly string[]): EncodedAnswers {
  if (worker.length !== item.length || label.length !== item.length) throw new RangeError('item, worker and label must have the same length');
  const encoder = answerEncoder();
  for (let j = 0; j < item.length; j++) encoder.add(item[j], worker[j], label[j]);
  return encoder.finish();
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

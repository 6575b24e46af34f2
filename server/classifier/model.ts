import { z } from 'zod';
import type { FeatureSpace } from './dictionary.ts';
import { IdList, lineFeatures } from './dictionary.ts';

/**
 * Training options, with fastText's names and meaning. The defaults were measured on fineweb_legal (2,240 training
 * pages, README "Quality classifier"): 16 dimensions ranked the held-out pages as well as 32 or 64 (Spearman 0.894
 * each) at a quarter of the work per token; word bigrams (0.889) did not beat words alone and cost 3-4 times the
 * time, so they are off (character n-grams were not measured) and the model is its vocabulary only, 64 bytes a word (about 20 MB for
 * 300k words). With n-grams turned on, 2^20 buckets add 64 MB at 16 dimensions. 10 epochs at lr 0.5 get most of
 * what 20 do (0.885 against 0.894) at half the time (bench:classifier: 20k documents of 350 words in under a minute).
 */
export const classifierOptionsSchema = z.object({
  /** Embedding size. */
  dim: z.number().int().min(1).max(512).default(16),
  epoch: z.number().int().min(1).max(200).default(10),
  /** Starting learning rate, decaying linearly to 0 over all epochs' tokens as fastText's does. */
  lr: z.number().positive().max(10).default(0.5),
  /** Longest word n-gram; 1 is words only. */
  wordNgrams: z.number().int().min(1).max(5).default(1),
  /** Hash buckets shared by word and character n-grams (rows of the input matrix beyond the vocabulary). */
  bucket: z
    .number()
    .int()
    .min(1)
    .max(0x7fffffff)
    .default(1 << 20),
  /** Words seen fewer times are dropped from the vocabulary (their n-grams still count). */
  minCount: z.number().int().min(1).default(3),
  /** Character n-gram lengths; maxn 0 turns them off. */
  minn: z.number().int().min(0).max(10).default(0),
  maxn: z.number().int().min(0).max(10).default(0),
  seed: z.number().int().default(1),
});
export type ClassifierOptions = z.infer<typeof classifierOptionsSchema>;

/** At most this many n-gram weights (1 GiB of float32): past it, bucket rows times dimensions do not fit in memory. */
export const MAX_NGRAM_WEIGHTS = 2 ** 28;

/**
 * Why these options cannot train here, or null. Checked apart from the schema, which other schemas extend (zod
 * refuses to extend a refined object): the n-gram rows are allocated only when word or character n-grams are on.
 */
export function optionsProblem(o: Pick<ClassifierOptions, 'bucket' | 'dim' | 'wordNgrams' | 'maxn'>): string | null {
  if (o.wordNgrams <= 1 && o.maxn === 0) return null;
  const weights = o.bucket * o.dim;
  return weights > MAX_NGRAM_WEIGHTS ? `bucket x dim is ${weights.toExponential(2)} n-gram weights; at most ${MAX_NGRAM_WEIGHTS} (1 GiB) fit` : null;
}
export type ClassifierOptionsInput = z.input<typeof classifierOptionsSchema>;

/**
 * A trained classifier: exactly the state a fastText supervised `.bin` holds (softmax loss), so it is written and
 * read without conversion. `input` has (words.size + bucket) rows of `dim` floats, `output` one row per label.
 */
export interface ClassifierModel extends FeatureSpace {
  dim: number;
  epoch: number;
  minCount: number;
  /** Class names in output order; fastText sees them as `__label__<name>`. */
  labels: string[];
  labelCounts: number[];
  /** Tokens read in one epoch (fastText's ntokens). */
  ntokens: number;
  input: Float32Array;
  output: Float32Array;
}

/** A document scorer over one model; reuses its buffers, so one per thread of work. */
export function createScorer(model: ClassifierModel): (text: string) => Float64Array {
  const ids = new IdList();
  const hashes = new IdList();
  const hidden = new Float64Array(model.dim);
  let bytes = Buffer.alloc(1 << 16);
  return (text) => {
    if (text.length * 3 > bytes.length) bytes = Buffer.alloc(text.length * 3);
    const length = bytes.write(text, 0, 'utf8');
    lineFeatures(model, bytes, length, ids, hashes);
    return forward(model, ids, hidden);
  };
}

/** The class probabilities of one text (fastText's predict with k = -1, before its +1e-5 inside the log). */
export function predict(model: ClassifierModel, text: string): Float64Array {
  return createScorer(model)(text);
}

/**
 * Model::computeHidden then softmax: the mean of the ids' input rows, times the output matrix. `hidden` is left
 * holding the mean (training reuses it). No ids (an empty line unknown to the model) gives the uniform output.
 */
export function forward(model: ClassifierModel, ids: { ids: ArrayLike<number>; length: number }, hidden: Float64Array): Float64Array {
  const { dim, input, output } = model;
  hidden.fill(0);
  const n = ids.length;
  for (let k = 0; k < n; k++) {
    const row = ids.ids[k] * dim;
    for (let d = 0; d < dim; d++) hidden[d] += input[row + d];
  }
  if (n > 0) for (let d = 0; d < dim; d++) hidden[d] /= n;
  const probabilities = new Float64Array(model.labels.length);
  let max = -Infinity;
  for (let c = 0; c < probabilities.length; c++) {
    let s = 0;
    const row = c * dim;
    for (let d = 0; d < dim; d++) s += output[row + d] * hidden[d];
    probabilities[c] = s;
    if (s > max) max = s;
  }
  let z = 0;
  for (let c = 0; c < probabilities.length; c++) z += probabilities[c] = Math.exp(probabilities[c] - max);
  for (let c = 0; c < probabilities.length; c++) probabilities[c] /= z;
  return probabilities;
}

/** The expected value of the classes under the probabilities (for 0-5 scores, sum p_k k). */
export function expectedValue(probabilities: ArrayLike<number>, values: readonly number[]): number {
  let e = 0;
  for (let c = 0; c < values.length; c++) e += probabilities[c] * values[c];
  return e;
}

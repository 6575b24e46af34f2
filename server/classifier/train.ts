import type { ClassifierModel, ClassifierOptionsInput } from './model.ts';
import { classifierOptionsSchema, forward, optionsProblem } from './model.ts';
import { EOS, EOS_HASH, IdList, Vocabulary, forEachWord, lineFeatures } from './dictionary.ts';
import { seededRandom } from './random.ts';

export interface LabeledExample {
  text: string;
  /** A class name of `labels`. */
  label: string;
  /** Scales the example's gradient (e.g. the aggregated label's calibrated confidence); 1 when absent. */
  weight?: number;
}

export interface TrainProgress {
  epoch: number;
  /** Examples done over all epochs so far, of `total`. */
  done: number;
  total: number;
  /** Mean weighted log loss of the examples since the last report. */
  loss: number;
  lr: number;
}

/**
 * Trains a fastText supervised classifier (softmax loss) as fastText 0.9.2 does with one thread: the vocabulary of
 * words seen minCount times, input rows uniform in +-1/dim and output rows zero, then per example the mean of its
 * feature rows, softmax, and the SGD step of Model::update with the learning rate decaying linearly with the tokens
 * read. Two departures, both for the callers' sake: the examples are shuffled each epoch with the seed (fastText
 * reads the file in order, so a file sorted by label would train badly), and each example's step is scaled by its
 * weight. One thread and one seeded generator make the result the same bits on every run.
 */
export function trainClassifier(
  examples: readonly LabeledExample[],
  labels: readonly string[],
  options: ClassifierOptionsInput = {},
  onProgress?: (progress: TrainProgress) => void,
): ClassifierModel {
  const parsed = classifierOptionsSchema.parse(options);
  const problem = optionsProblem(parsed);
  if (problem) throw new Error(problem);
  // As fastText's Args: with neither word nor character n-grams there is nothing to hash, so no bucket rows.
  const args = { ...parsed, bucket: parsed.wordNgrams <= 1 && parsed.maxn === 0 ? 0 : parsed.bucket };
  const labelIndex = new Map(labels.map((l, k) => [l, k]));
  const target = Int32Array.from(examples, (e) => {
    const k = labelIndex.get(e.label);
    if (k === undefined) throw new Error(`label "${e.label}" is not one of ${labels.join(', ')}`);
    return k;
  });
  const weight = Float64Array.from(examples, (e) => e.weight ?? 1);
  if (weight.some((w) => !(w >= 0) || !Number.isFinite(w))) throw new Error('weights must be finite and >= 0');

  const { words, ntokens } = buildVocabulary(examples, args.minCount);
  const labelCounts = labels.map(() => 0);
  for (const k of target) labelCounts[k]++;
  const random = seededRandom(args.seed);
  const rows = words.size + args.bucket;
  const input = new Float32Array(rows * args.dim);
  const scale = 1 / args.dim;
  for (let i = 0; i < input.length; i++) input[i] = (random() * 2 - 1) * scale;
  const model: ClassifierModel = {
    ...args,
    words,
    labels: [...labels],
    labelCounts,
    ntokens,
    input,
    output: new Float32Array(labels.length * args.dim),
  };

  const { dim, output } = model;
  const ids = new IdList();
  const hashes = new IdList();
  const hidden = new Float64Array(dim);
  const grad = new Float64Array(dim);
  let bytes = Buffer.alloc(1 << 16);
  const order = Int32Array.from(examples, (_, i) => i);
  const cache: (Features | undefined)[] = new Array(examples.length);
  let cached = 0;
  const total = examples.length * args.epoch;
  const reportEvery = Math.max(1, Math.floor(total / 200));
  const tokensTotal = ntokens * args.epoch;
  let tokensDone = 0;
  let loss = 0;
  let lossWeight = 0;
  let lr = args.lr;
  for (let epoch = 0; epoch < args.epoch; epoch++) {
    shuffle(order, random);
    for (let step = 0; step < order.length; step++) {
      const i = order[step];
      let features: Features | undefined = cache[i];
      if (!features) {
        const text = examples[i].text;
        if (text.length * 3 > bytes.length) bytes = Buffer.alloc(text.length * 3);
        const length = bytes.write(text, 0, 'utf8');
        lineFeatures(model, bytes, length, ids, hashes);
        features = { ids: ids.ids, length: ids.length, tokens: hashes.length };
        if (cached + ids.length <= CACHE_IDS) {
          cache[i] = { ids: ids.ids.slice(0, ids.length), length: ids.length, tokens: hashes.length };
          cached += ids.length;
        }
      }
      // fastText counts every token of the line, the "</s>" included, towards the decay.
      tokensDone += features.tokens;
      lr = args.lr * Math.max(0, 1 - tokensDone / tokensTotal);
      const w = weight[i];
      if (features.length === 0 || w === 0) continue;
      const p = forward(model, features, hidden);
      const y = target[i];
      loss -= w * Math.log(Math.max(p[y], 1e-30));
      lossWeight += w;
      grad.fill(0);
      const rate = lr * w;
      for (let c = 0; c < p.length; c++) {
        const alpha = rate * ((c === y ? 1 : 0) - p[c]);
        const row = c * dim;
        for (let d = 0; d < dim; d++) {
          grad[d] += alpha * output[row + d];
          output[row + d] += alpha * hidden[d];
        }
      }
      const inv = 1 / features.length;
      for (let d = 0; d < dim; d++) grad[d] *= inv;
      for (let k = 0; k < features.length; k++) {
        const row = features.ids[k] * dim;
        for (let d = 0; d < dim; d++) input[row + d] += grad[d];
      }
      const done = epoch * order.length + step + 1;
      if (onProgress && (done % reportEvery === 0 || done === total)) {
        onProgress({ epoch: epoch + 1, done, total, loss: lossWeight > 0 ? loss / lossWeight : 0, lr });
        loss = 0;
        lossWeight = 0;
      }
    }
  }
  return model;
}

/** An example's feature ids and token count, kept from the first epoch for the others. */
interface Features {
  ids: Int32Array;
  length: number;
  tokens: number;
}

/**
 * Feature ids kept across epochs (4 bytes each, 256 MiB): reading and hashing a text costs about as much as its
 * SGD step, so the later epochs run near twice as fast from the cache; past this, the rest is read again each epoch.
 */
const CACHE_IDS = 1 << 26;

/**
 * Dictionary::readFromFile + threshold: count every word of every line (each line ending in "</s>"), keep those
 * seen minCount times, most frequent first (ties in order of first appearance, so the ids are reproducible).
 */
function buildVocabulary(examples: readonly LabeledExample[], minCount: number): { words: Vocabulary; ntokens: number } {
  const counted = new Vocabulary();
  const eos = Buffer.from(EOS);
  let ntokens = 0;
  let bytes = Buffer.alloc(1 << 16);
  for (const { text } of examples) {
    if (text.length * 3 > bytes.length) bytes = Buffer.alloc(text.length * 3);
    const length = bytes.write(text, 0, 'utf8');
    forEachWord(bytes, length, (start, end, hash) => {
      ntokens++;
      if (start < 0) counted.add(eos, 0, eos.length, EOS_HASH);
      else counted.add(bytes, start, end, hash);
    });
  }
  const kept: number[] = [];
  for (let id = 0; id < counted.size; id++) if (counted.counts[id] >= minCount) kept.push(id);
  kept.sort((a, b) => counted.counts[b] - counted.counts[a] || a - b);
  const words = new Vocabulary();
  for (const id of kept) {
    const w = counted.bytes(id);
    words.add(w, 0, w.length, counted.hashOf(id), counted.counts[id]);
  }
  return { words, ntokens };
}

/** Fisher-Yates with the seeded generator. */
function shuffle(order: Int32Array, random: () => number): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
}

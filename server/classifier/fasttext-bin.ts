import type { ClassifierModel } from './model.ts';
import { LABEL_PREFIX, Vocabulary, fnv1a } from './dictionary.ts';

/** fastText's file signature (FASTTEXT_FILEFORMAT_MAGIC_INT32) and the version 0.9.2 writes and reads. */
const MAGIC = 793712314;
const VERSION = 12;
/** Args' enums: loss_name::softmax, model_name::sup. */
const LOSS_SOFTMAX = 3;
const MODEL_SUPERVISED = 3;
/** Args fastText stores but a supervised softmax model never reads; its defaults. */
const WINDOW = 5;
const NEGATIVES = 5;
const LR_UPDATE_RATE = 100;
const SAMPLING = 1e-4;

const ENTRY_WORD = 0;
const ENTRY_LABEL = 1;

/**
 * The model as fastText 0.9.2's FastText::saveModel writes it (little-endian): signature, Args::save, Dictionary::save
 * (words then `__label__` entries, each NUL-terminated with an int64 count and an int8 type; pruneidx_size -1, not
 * pruned), then the input and output DenseMatrix (int64 rows, int64 columns, float32 data), each after a byte saying
 * it is not quantized. `fasttext predict-prob`, the Python `fasttext.load_model` and the pipelines built on them load
 * it as their own.
 */
export function writeFastTextBin(model: ClassifierModel): Buffer {
  const labelBytes = model.labels.map((l) => Buffer.from(LABEL_PREFIX + l));
  let size = 4 * 2 + 4 * 12 + 8 + 4 * 3 + 8 * 2;
  for (let id = 0; id < model.words.size; id++) size += model.words.bytes(id).length + 1 + 8 + 1;
  for (const b of labelBytes) size += b.length + 1 + 8 + 1;
  size += 1 + 16 + model.input.byteLength + 1 + 16 + model.output.byteLength;
  const out = Buffer.alloc(size);
  let at = 0;
  const int32 = (v: number) => (at = out.writeInt32LE(v, at));
  const int64 = (v: number) => (at = out.writeBigInt64LE(BigInt(v), at));
  const entry = (bytes: Uint8Array, count: number, type: number) => {
    out.set(bytes, at);
    at += bytes.length;
    out[at++] = 0;
    int64(count);
    out[at++] = type;
  };
  const matrix = (data: Float32Array, rows: number) => {
    out[at++] = 0;
    int64(rows);
    int64(model.dim);
    Buffer.from(data.buffer, data.byteOffset, data.byteLength).copy(out, at);
    at += data.byteLength;
  };
  int32(MAGIC);
  int32(VERSION);
  for (const v of [model.dim, WINDOW, model.epoch, model.minCount, NEGATIVES, model.wordNgrams, LOSS_SOFTMAX, MODEL_SUPERVISED]) int32(v);
  for (const v of [model.bucket, model.minn, model.maxn, LR_UPDATE_RATE]) int32(v);
  at = out.writeDoubleLE(SAMPLING, at);
  int32(model.words.size + model.labels.length);
  int32(model.words.size);
  int32(model.labels.length);
  int64(model.ntokens);
  int64(-1);
  for (let id = 0; id < model.words.size; id++) entry(model.words.bytes(id), model.words.counts[id], ENTRY_WORD);
  labelBytes.forEach((b, k) => entry(b, model.labelCounts[k], ENTRY_LABEL));
  matrix(model.input, model.words.size + model.bucket);
  matrix(model.output, model.labels.length);
  if (at !== size) throw new Error(`fastText writer: wrote ${at} of ${size} bytes`);
  return out;
}

/**
 * Reads a `.bin` this module wrote, or any fastText 0.9.2 supervised softmax model that is not quantized (such a
 * model is the same state); anything else is refused with the reason.
 */
export function readFastTextBin(buffer: Buffer): ClassifierModel {
  let at = 0;
  const need = (n: number) => {
    if (at + n > buffer.length) throw new Error('fastText model: file is truncated');
  };
  const int32 = () => (need(4), (at += 4), buffer.readInt32LE(at - 4));
  const int64 = () => (need(8), (at += 8), Number(buffer.readBigInt64LE(at - 8)));
  if (int32() !== MAGIC) throw new Error('not a fastText model (bad signature)');
  const version = int32();
  if (version !== VERSION) throw new Error(`fastText model version ${version}; only ${VERSION} (fastText 0.9.x) is read`);
  const [dim, , epoch, minCount, , wordNgrams, loss, kind, bucket, minn, maxn] = Array.from({ length: 12 }, int32);
  at += 8;
  if (kind !== MODEL_SUPERVISED || loss !== LOSS_SOFTMAX) throw new Error('only supervised fastText models with softmax loss are read');
  const size = int32();
  const nwords = int32();
  const nlabels = int32();
  const ntokens = int64();
  const pruned = int64();
  if (pruned >= 0) throw new Error('pruned (quantized) fastText models are not read');
  const words = new Vocabulary();
  const labels: string[] = [];
  const labelCounts: number[] = [];
  for (let i = 0; i < size; i++) {
    const end = buffer.indexOf(0, at);
    if (end < 0) throw new Error('fastText model: file is truncated');
    const start = at;
    at = end + 1;
    const count = int64();
    need(1);
    const type = buffer[at++];
    if (i < nwords) {
      if (type !== ENTRY_WORD) throw new Error('fastText model: a label among the words');
      words.add(buffer, start, end, fnv1a(buffer, start, end), count);
    } else {
      const name = buffer.toString('utf8', start, end);
      if (type !== ENTRY_LABEL || !name.startsWith(LABEL_PREFIX)) throw new Error(`fastText model: entry "${name}" is not a label`);
      labels.push(name.slice(LABEL_PREFIX.length));
      labelCounts.push(count);
    }
  }
  if (labels.length !== nlabels) throw new Error('fastText model: label count does not match');
  const matrix = (rows: number) => {
    need(1);
    if (buffer[at++] !== 0) throw new Error('quantized fastText models are not read');
    if (int64() !== rows || int64() !== dim) throw new Error('fastText model: matrix shape does not match the dictionary');
    need(rows * dim * 4);
    const data = new Float32Array(rows * dim);
    Buffer.from(data.buffer).set(buffer.subarray(at, at + data.byteLength));
    at += data.byteLength;
    return data;
  };
  const input = matrix(nwords + bucket);
  const output = matrix(nlabels);
  return { dim, epoch, minCount, wordNgrams, bucket, minn, maxn, words, labels, labelCounts, ntokens, input, output };
}

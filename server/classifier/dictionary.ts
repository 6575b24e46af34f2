/**
 * fastText 0.9.2's dictionary and line features, byte for byte (src/dictionary.cc): a document is read as fastText
 * reads one line of `predict` input, so the ids (and hence the probabilities) are those fastText computes from the
 * exported `.bin`. Words are the runs between the bytes " \n\r\t\v\f\0"; the line ends with the word "</s>"; tokens
 * starting with "__label__" are labels, never words. Newlines inside a document are separators here, as they are in
 * datatrove and NeMo Curator, which replace them by spaces before calling fastText (fastText itself would stop at
 * the first one).
 */

export const EOS = '</s>';
export const LABEL_PREFIX = '__label__';

const EOS_BYTES = Buffer.from(EOS);
const LABEL_BYTES = Buffer.from(LABEL_PREFIX);

/** Dictionary::hash: 32-bit FNV-1a over the bytes as signed chars (a byte >= 0x80 is sign-extended first). */
export function fnv1a(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let h = 2166136261;
  for (let i = start; i < end; i++) {
    const b = bytes[i];
    h = Math.imul(h ^ (b < 128 ? b : b | 0xffffff00), 16777619);
  }
  return h >>> 0;
}

export const EOS_HASH = fnv1a(EOS_BYTES);

function isSpace(b: number): boolean {
  return b === 32 || b === 10 || b === 13 || b === 9 || b === 11 || b === 12 || b === 0;
}

function isEos(bytes: Uint8Array, start: number, end: number): boolean {
  return end - start === 4 && bytes[start] === 60 && bytes[start + 1] === 47 && bytes[start + 2] === 115 && bytes[start + 3] === 62;
}

function startsWithLabel(bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start < LABEL_BYTES.length) return false;
  for (let k = 0; k < LABEL_BYTES.length; k++) if (bytes[start + k] !== LABEL_BYTES[k]) return false;
  return true;
}

/**
 * A growable set of byte strings with a count each, looked up by their FNV-1a hash without building a JS string per
 * token (open addressing over a power-of-two table; the bytes are compared on a hash match).
 */
export class Vocabulary {
  private pool = new Uint8Array(1 << 16);
  private poolSize = 0;
  private starts = new Int32Array(1024);
  private hashes = new Uint32Array(1024);
  counts = new Float64Array(1024);
  size = 0;
  private table = new Int32Array(2048).fill(-1);

  /** The id of the bytes, or -1. */
  find(bytes: Uint8Array, start: number, end: number, hash: number): number {
    const mask = this.table.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const id = this.table[slot];
      if (id < 0) return -1;
      if (this.hashes[id] === hash && this.equals(id, bytes, start, end)) return id;
    }
  }

  /** Adds `count` to the bytes' entry, creating it; returns its id. */
  add(bytes: Uint8Array, start: number, end: number, hash: number, count = 1): number {
    let id = this.find(bytes, start, end, hash);
    if (id < 0) id = this.insert(bytes, start, end, hash);
    this.counts[id] += count;
    return id;
  }

  /** The entry's bytes. */
  bytes(id: number): Uint8Array {
    return this.pool.subarray(this.starts[id], id + 1 < this.size ? this.starts[id + 1] : this.poolSize);
  }

  /** The entry's FNV-1a hash. */
  hashOf(id: number): number {
    return this.hashes[id];
  }

  /** The entry as text (for display). */
  word(id: number): string {
    return Buffer.from(this.bytes(id)).toString('utf8');
  }

  private equals(id: number, bytes: Uint8Array, start: number, end: number): boolean {
    const from = this.starts[id];
    const to = id + 1 < this.size ? this.starts[id + 1] : this.poolSize;
    if (to - from !== end - start) return false;
    for (let k = 0; k < to - from; k++) if (this.pool[from + k] !== bytes[start + k]) return false;
    return true;
  }

  private insert(bytes: Uint8Array, start: number, end: number, hash: number): number {
    const id = this.size++;
    if (id === this.starts.length) {
      this.starts = grow(this.starts, id * 2);
      this.hashes = grow(this.hashes, id * 2);
      this.counts = grow(this.counts, id * 2);
    }
    if (this.poolSize + end - start > this.pool.length) this.pool = grow(this.pool, Math.max(this.pool.length * 2, this.poolSize + end - start));
    this.pool.set(bytes.subarray(start, end), this.poolSize);
    this.starts[id] = this.poolSize;
    this.poolSize += end - start;
    this.hashes[id] = hash;
    if (this.size * 2 > this.table.length) this.rehash();
    else this.place(id);
    return id;
  }

  private place(id: number): void {
    const mask = this.table.length - 1;
    let slot = this.hashes[id] & mask;
    while (this.table[slot] >= 0) slot = (slot + 1) & mask;
    this.table[slot] = id;
  }

  private rehash(): void {
    this.table = new Int32Array(this.table.length * 2).fill(-1);
    for (let id = 0; id < this.size; id++) this.place(id);
  }
}

function grow<T extends Uint8Array | Int32Array | Uint32Array | Float64Array>(array: T, length: number): T {
  const bigger = new (array.constructor as new (n: number) => T)(length);
  bigger.set(array);
  return bigger;
}

/** What decides a line's features: the vocabulary and fastText's n-gram arguments. */
export interface FeatureSpace {
  words: Vocabulary;
  wordNgrams: number;
  bucket: number;
  minn: number;
  maxn: number;
}

/** A reusable, growable list of feature ids (rows of the input matrix). */
export class IdList {
  ids = new Int32Array(4096);
  length = 0;
  push(id: number): void {
    if (this.length === this.ids.length) this.ids = grow(this.ids, this.length * 2);
    this.ids[this.length++] = id;
  }
}

/**
 * Calls `onWord(start, end, hash)` for each word of the text's bytes, then for the closing "</s>" (start = end =
 * -1); label tokens are skipped, as fastText's getLine does for a line's labels.
 */
export function forEachWord(bytes: Uint8Array, length: number, onWord: (start: number, end: number, hash: number) => void): void {
  let start = -1;
  for (let i = 0; i <= length; i++) {
    if (i < length && !isSpace(bytes[i])) {
      if (start < 0) start = i;
      continue;
    }
    if (start < 0) continue;
    // fastText ends the line at a literal "</s>" as at a newline.
    if (isEos(bytes, start, i)) break;
    if (!startsWithLabel(bytes, start, i)) onWord(start, i, fnv1a(bytes, start, i));
    start = -1;
  }
  onWord(-1, -1, EOS_HASH);
}

/**
 * Dictionary::getLine for one line: each word's id (or, with maxn > 0, its id and character n-grams; an unknown
 * word only its n-grams), then the word n-grams of all the line's word hashes, known or not, into the buckets.
 */
export function lineFeatures(space: FeatureSpace, bytes: Uint8Array, length: number, out: IdList, hashes: IdList): void {
  out.length = 0;
  hashes.length = 0;
  const nwords = space.words.size;
  forEachWord(bytes, length, (start, end, hash) => {
    const eos = start < 0;
    const id = eos ? space.words.find(EOS_BYTES, 0, EOS_BYTES.length, hash) : space.words.find(bytes, start, end, hash);
    if (id >= 0) out.push(id);
    if (space.maxn > 0 && !eos) charNgrams(space, nwords, bytes, start, end, out);
    hashes.push(hash | 0);
  });
  if (space.wordNgrams > 1) wordNgrams(space, nwords, hashes, out);
}

/** Dictionary::computeSubwords over "<" + word + ">", n counted in UTF-8 characters. */
function charNgrams(space: FeatureSpace, nwords: number, bytes: Uint8Array, start: number, end: number, out: IdList): void {
  const size = end - start + 2;
  const at = (k: number) => (k === 0 ? 60 : k === size - 1 ? 62 : bytes[start + k - 1]);
  for (let i = 0; i < size; i++) {
    if ((at(i) & 0xc0) === 0x80) continue;
    let h = 2166136261;
    for (let j = i, n = 1; j < size && n <= space.maxn; n++) {
      do {
        const b = at(j++);
        h = Math.imul(h ^ (b < 128 ? b : b | 0xffffff00), 16777619);
      } while (j < size && (at(j) & 0xc0) === 0x80);
      if (n >= space.minn && !(n === 1 && (i === 0 || j === size))) out.push(nwords + ((h >>> 0) % space.bucket));
    }
  }
}

/**
 * Dictionary::addWordNgrams: h = h * 116049371 + hash in uint64 arithmetic, starting from and adding the int32
 * hashes sign-extended, then h % bucket. Done in 32-bit halves, since doubles hold 53 bits and BigInt is too slow
 * for every token of a corpus.
 */
function wordNgrams(space: FeatureSpace, nwords: number, hashes: IdList, out: IdList): void {
  const n = space.wordNgrams;
  const bucket = space.bucket;
  const hs = hashes.ids;
  const count = hashes.length;
  for (let i = 0; i < count; i++) {
    let lo = hs[i] >>> 0;
    let hi = hs[i] < 0 ? 0xffffffff : 0;
    for (let j = i + 1; j < count && j < i + n; j++) {
      // (hi, lo) * 116049371: split lo into 16-bit halves so every partial product stays exact in a double.
      const m = 116049371;
      const loLo = (lo & 0xffff) * m;
      const loHi = (lo >>> 16) * m;
      const low = loLo + (loHi % 65536) * 65536;
      const newLo = low % 4294967296;
      const carry = Math.floor(low / 4294967296) + Math.floor(loHi / 65536);
      let newHi = (Math.imul(hi, m) + carry) >>> 0;
      // + sign-extended hash
      const add = hs[j];
      let sumLo = newLo + (add >>> 0);
      if (sumLo >= 4294967296) {
        sumLo -= 4294967296;
        newHi = (newHi + 1) >>> 0;
      }
      if (add < 0) newHi = (newHi + 0xffffffff) >>> 0;
      lo = sumLo;
      hi = newHi;
      out.push(nwords + mod64(hi, lo, bucket));
    }
  }
}

/** (hi * 2^32 + lo) % m for m < 2^31, exact. */
function mod64(hi: number, lo: number, m: number): number {
  let r = hi % m;
  r = (r * 65536) % m;
  r = (r * 65536) % m;
  return (r + (lo % m)) % m;
}

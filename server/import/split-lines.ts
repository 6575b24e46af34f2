import { isUtf8 } from 'node:buffer';
import type { Readable } from 'node:stream';

/** One line of the input, or the note that it was longer than the reader may hold. */
export interface SplitLine {
  line: number;
  /** The line's bytes without its line break; empty when `oversize`. */
  bytes: Buffer;
  valid: boolean;
  /** The line ran past `maxLineBytes`: its bytes were dropped as they came instead of being held. */
  oversize: boolean;
  /** Input bytes consumed so far, for progress. */
  consumed: number;
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * Splits a byte stream into lines without decoding the whole chunk, so an invalid UTF-8 sequence is pinned to its
 * line instead of silently becoming U+FFFD. Memory stays bounded by `maxLineBytes`: past it, the rest of the line is
 * skipped and the line is reported as oversize. A UTF-8 byte order mark opening the stream is not part of line 1.
 * The input is not destroyed when the caller stops early, so an HTTP request can still be drained and answered.
 */
export async function* splitLines(input: Readable, { maxLineBytes = Infinity } = {}): AsyncIterable<SplitLine> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let oversize = false;
  let line = 0;
  let consumed = 0;
  let first = true;
  const take = (piece: Buffer) => {
    if (oversize) return;
    if (pendingBytes + piece.length > maxLineBytes) {
      oversize = true;
      pending = [];
      pendingBytes = 0;
      return;
    }
    pending.push(piece);
    pendingBytes += piece.length;
  };
  const finish = (breakBytes: number): SplitLine => {
    const bytes = oversize ? Buffer.alloc(0) : stripCr(pending.length === 1 ? pending[0] : Buffer.concat(pending));
    consumed += breakBytes;
    const result = { line: ++line, bytes, valid: oversize || isUtf8(bytes), oversize, consumed };
    pending = [];
    pendingBytes = 0;
    oversize = false;
    return result;
  };
  for await (let chunk of input.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    if (first) {
      first = false;
      if (chunk.subarray(0, 3).equals(BOM)) {
        consumed += 3;
        chunk = chunk.subarray(3);
      }
    }
    let start = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
      take(chunk.subarray(start, nl));
      consumed += nl - start;
      start = nl + 1;
      yield finish(1);
    }
    if (start < chunk.length) {
      take(chunk.subarray(start));
      consumed += chunk.length - start;
    }
  }
  if (pendingBytes > 0 || oversize) yield finish(0);
}

function stripCr(bytes: Buffer): Buffer {
  return bytes.length && bytes[bytes.length - 1] === 13 ? bytes.subarray(0, -1) : bytes;
}

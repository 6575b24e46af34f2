import { isUtf8 } from 'node:buffer';

/**
 * Splits a byte stream into lines without decoding the whole chunk, so an invalid UTF-8 sequence is pinned to its
 * line instead of silently becoming U+FFFD. Yields the raw line bytes, its 1-based number and bytes consumed so far.
 */
export async function* splitLines(input: NodeJS.ReadableStream): AsyncIterable<{ line: number; bytes: Buffer; valid: boolean; consumed: number }> {
  let pending: Buffer[] = [];
  let line = 0;
  let consumed = 0;
  for await (const chunk of input as AsyncIterable<Buffer>) {
    let start = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
      pending.push(chunk.subarray(start, nl));
      const bytes = pending.length === 1 ? pending[0] : Buffer.concat(pending);
      pending = [];
      consumed += bytes.length + 1;
      start = nl + 1;
      yield { line: ++line, bytes: stripCr(bytes), valid: isUtf8(bytes), consumed };
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  }
  if (pending.length) {
    const bytes = Buffer.concat(pending);
    consumed += bytes.length;
    yield { line: ++line, bytes: stripCr(bytes), valid: isUtf8(bytes), consumed };
  }
}

function stripCr(bytes: Buffer): Buffer {
  return bytes.length && bytes[bytes.length - 1] === 13 ? bytes.subarray(0, -1) : bytes;
}

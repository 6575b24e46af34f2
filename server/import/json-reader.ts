import { pipeline } from 'node:stream/promises';
import streamArray from 'stream-json/streamers/stream-array.js';
import type { RecordReader } from './source-record.ts';
import { tooLarge } from './source-record.ts';
import { readJsonl } from './jsonl-reader.ts';
import { peekStream } from './peek-stream.ts';

/** Whitespace JSON allows before a value, and a byte order mark. */
const LEADING = new Set([0x20, 0x09, 0x0a, 0x0d, 0xef, 0xbb, 0xbf]);

/**
 * A `.json` file: one JSON array of objects (how Alpaca and many instruction sets ship), streamed element by element
 * with stream-json, so the array is never held whole; anything else (one object, JSON Lines) is read as JSON Lines.
 * Element numbers (1-based) stand in for line numbers in the report. A syntax error, or a truncated array, ends the
 * file: nothing past it can be trusted. An element's size is measured once it is assembled (stream-json builds it
 * whole), unlike JSON Lines, whose over-long lines are skipped unread.
 */
export const readJson: RecordReader = async function* (input, limits) {
  // Up to the first significant byte, however many chunks of whitespace come before it.
  const { head, stream: source, release } = await peekStream(input, (head) => head.some((b) => !LEADING.has(b)));
  if (head.find((b) => !LEADING.has(b)) !== 0x5b /* [ */) {
    try {
      yield* readJsonl(source, limits);
    } finally {
      release();
    }
    return;
  }
  let consumed = 0;
  source.on('data', (chunk: Buffer) => (consumed += chunk.length));
  // stream-json (a maintained streaming parser, Node streams with backpressure) rather than a hand-written one.
  const elements = streamArray.withParserAsStream();
  const fed = pipeline(source, elements).catch(() => {});
  let index = 0;
  try {
    for await (const { value } of elements as AsyncIterable<{ key: number; value: unknown }>) {
      index++;
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        yield { line: index, error: 'expected a JSON object in the array', bytes: consumed };
        continue;
      }
      // The element arrives assembled, so its size is measured as the JSON it would be stored as.
      const bytes = Buffer.byteLength(JSON.stringify(value));
      yield bytes > limits.maxRecordBytes
        ? { line: index, error: tooLarge(limits.maxRecordBytes, bytes), bytes: consumed }
        : { line: index, record: value as Record<string, unknown>, bytes: consumed };
    }
  } catch (error) {
    // The parser's error discards the elements it had parsed but not yet handed on, so the place is a lower bound.
    const line = index + 1;
    yield {
      line,
      error: `malformed JSON array (${(error as Error).message}) at or after element ${line}; the file was not read past it`,
      bytes: consumed,
      fatal: true,
    };
  } finally {
    elements.destroy();
    await fed;
    release();
  }
};

import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { ReaderLimits, RecordReader, SourceRecord } from './source-record.ts';
import { peekStream } from './peek-stream.ts';

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);

/**
 * Reads a corpus file that may be gzip-compressed (Dolma, FineWeb and RedPajama ship `.jsonl.gz`): it is when its
 * first bytes say so, whatever its name, and a name ending `.gz` on bytes that are not gzip is reported. A corrupt or
 * truncated stream ends the file with a fatal problem past the last record read, so nothing of it is imported.
 */
export async function* readMaybeGzip(input: Readable, filename: string, reader: RecordReader, limits: ReaderLimits): AsyncIterable<SourceRecord> {
  const { head, stream, release } = await peekStream(input, (head) => head.length >= GZIP_MAGIC.length);
  const gzipped = head.subarray(0, GZIP_MAGIC.length).equals(GZIP_MAGIC);
  if (!gzipped) {
    if (/\.gz$/i.test(filename) && head.length) {
      release();
      yield { line: 0, error: `"${filename}" is named .gz but is not gzip-compressed (rename it, or compress it)`, bytes: 0, fatal: true };
      return;
    }
    try {
      yield* reader(stream, limits);
    } finally {
      release();
    }
    return;
  }
  const gunzip = createGunzip();
  let broken: Error | undefined;
  // Listened to before the reader does, so it is known by the time the reader fails on it.
  gunzip.on('error', (error) => (broken ??= error));
  const fed = pipeline(stream, gunzip).catch(() => {});
  let line = 0;
  let bytes = 0;
  const corrupt = (): SourceRecord => ({
    line: line + 1,
    error: `corrupt gzip data (${broken?.message}); the file was not read past line ${line + 1}`,
    bytes,
    fatal: true,
  });
  try {
    for await (const record of reader(gunzip, limits)) {
      // A reader that reports its input's failure as its own (CSV's) would blame the format.
      if (broken) return yield corrupt();
      ({ line, bytes } = record);
      yield record;
    }
  } catch (error) {
    if (!broken) throw error;
  } finally {
    gunzip.destroy();
    await fed;
    release();
  }
  if (broken) yield corrupt();
}

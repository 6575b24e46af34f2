import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import type { RecordReader } from './source-record.ts';
import { tooLarge } from './source-record.ts';

/**
 * Parquet keeps its schema in a footer at the end, so an upload is spooled to a temporary file first; rows are then
 * read one row group at a time, which bounds memory by the largest row group rather than the file. Row numbers
 * (1-based) stand in for line numbers in the report; problems with the file as a whole are reported at row 0.
 */
export const readParquet: RecordReader = async function* (input, { maxRecordBytes }) {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'curate-parquet-'));
  const file = path.join(dir, 'upload.parquet');
  try {
    await pipeline(input, fs.createWriteStream(file));
    const size = (await fs.promises.stat(file)).size;
    let buffer;
    let metadata;
    try {
      buffer = await asyncBufferFromFile(file);
      metadata = await parquetMetadataAsync(buffer);
    } catch (error) {
      yield { line: 0, error: `not a readable Parquet file: ${(error as Error).message}`, bytes: size, fatal: true };
      return;
    }
    let rowStart = 0;
    for (const group of metadata.row_groups) {
      const rowEnd = rowStart + Number(group.num_rows);
      let rows;
      try {
        rows = await parquetReadObjects({ file: buffer, metadata, rowStart, rowEnd });
      } catch (error) {
        yield {
          line: rowStart + 1,
          error: `unreadable Parquet row group: ${(error as Error).message}; the file was not read past row ${rowStart + 1}`,
          bytes: size,
          fatal: true,
        };
        return;
      }
      const groupBytes = Math.round((size * rowEnd) / Math.max(1, Number(metadata.num_rows)));
      for (let i = 0; i < rows.length; i++) {
        const record = toPlain(rows[i]) as Record<string, unknown>;
        // A row arrives decoded, so its size is measured as the JSON it would be stored as.
        const bytes = Buffer.byteLength(JSON.stringify(record));
        yield bytes > maxRecordBytes
          ? { line: rowStart + i + 1, error: tooLarge(maxRecordBytes, bytes), bytes: groupBytes }
          : { line: rowStart + i + 1, record, bytes: groupBytes };
      }
      rowStart = rowEnd;
    }
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
};

/** Parquet int64 values arrive as bigint, which JSON cannot hold: safe integers become numbers, others strings. */
function toPlain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toPlain);
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPlain(v)]));
  }
  return value;
}

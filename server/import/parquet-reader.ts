import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import type { RecordReader } from './source-record.ts';

/**
 * Parquet keeps its schema in a footer at the end, so an upload is spooled to a temporary file first; rows are then
 * read one row group at a time, which bounds memory by the largest row group rather than the file. Row numbers
 * (1-based) stand in for line numbers in the report.
 */
export const readParquet: RecordReader = async function* (input) {
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
      yield { line: 0, error: `not a readable Parquet file: ${(error as Error).message}`, bytes: size };
      return;
    }
    let rowStart = 0;
    for (const group of metadata.row_groups) {
      const rowEnd = rowStart + Number(group.num_rows);
      const rows = await parquetReadObjects({ file: buffer, metadata, rowStart, rowEnd });
      const groupBytes = Math.round((size * rowEnd) / Math.max(1, Number(metadata.num_rows)));
      for (let i = 0; i < rows.length; i++) {
        yield { line: rowStart + i + 1, record: toPlain(rows[i]) as Record<string, unknown>, bytes: groupBytes };
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

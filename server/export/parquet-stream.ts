import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';

import type { ExportColumn } from '../../tasks/task-type.ts';

const FLUSH_BYTES = 1 << 20;

/**
 * Writes Parquet to a Node stream one row group per `writeRows` call, so an export of millions of rows holds one
 * group in memory at a time. Columns are nullable; JSON values are stored as JSON-annotated strings.
 */
export function parquetStream(out: Writable, columns: ExportColumn[]) {
  const bytes = new ByteWriter() as ByteWriter & { ensure(size: number): void; flush(): Promise<void>; finish(): void };
  const growBuffer = bytes.ensure.bind(bytes);
  let pending: Buffer[] = [];
  const takeChunk = () => {
    if (bytes.index > 0) pending.push(Buffer.from(new Uint8Array(bytes.buffer, 0, bytes.index)));
    bytes.index = 0;
  };
  // Move written bytes out before the buffer grows past the flush size; offsets keep counting in `bytes.offset`.
  bytes.ensure = (size: number) => {
    if (bytes.index > FLUSH_BYTES) takeChunk();
    growBuffer(size);
  };
  const drainPending = async () => {
    const chunks = pending;
    pending = [];
    for (const chunk of chunks) if (!out.write(chunk)) await once(out, 'drain');
  };
  bytes.flush = async () => {
    takeChunk();
    await drainPending();
  };
  bytes.finish = takeChunk;

  const writer = new ParquetWriter({
    writer: bytes,
    schema: [{ name: 'root', num_children: columns.length }, ...columns.map(schemaElement)],
  });
  return {
    /** Writes the rows as one row group. */
    async writeRows(rows: Record<string, unknown>[]) {
      if (!rows.length) return;
      const columnData = columns.map((c) => ({ name: c.name, data: rows.map((r) => toParquetValue(r[c.name], c.type)) }));
      await writer.write({ columnData, rowGroupSize: rows.length });
      await bytes.flush();
    },
    /** Writes the footer and flushes everything. */
    async finish() {
      writer.finish();
      await drainPending();
    },
  };
}

function schemaElement(column: ExportColumn) {
  const base = { name: column.name, repetition_type: 'OPTIONAL' as const };
  switch (column.type) {
    case 'number':
      return { ...base, type: 'DOUBLE' as const };
    case 'boolean':
      return { ...base, type: 'BOOLEAN' as const };
    case 'json':
      return { ...base, type: 'BYTE_ARRAY' as const, converted_type: 'JSON' as const };
    default:
      return { ...base, type: 'BYTE_ARRAY' as const, converted_type: 'UTF8' as const };
  }
}

function toParquetValue(value: unknown, type: ExportColumn['type']) {
  if (value === undefined || value === null) return null;
  if (type === 'json') return JSON.stringify(value);
  if (type === 'number') return Number(value);
  if (type === 'boolean') return Boolean(value);
  return typeof value === 'string' ? value : JSON.stringify(value);
}

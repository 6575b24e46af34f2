import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { SchemaElement } from 'hyparquet';

import type { ExportColumn } from '../../tasks/task-type.ts';

const FLUSH_BYTES = 1 << 20;

/**
 * Writes Parquet to a Node stream one row group per `writeRows` call, so an export of millions of rows holds one
 * group in memory at a time. Columns are nullable and typed by their declaration (see schemaElement).
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

/**
 * The Parquet type of each declared column, with the legacy converted type beside the logical type so old and new
 * readers alike see strings, JSON (DuckDB's JSON, `meta->>'url'`) and signed 64-bit integers.
 */
function schemaElement(column: ExportColumn): SchemaElement {
  const base = { name: column.name, repetition_type: 'OPTIONAL' as const };
  switch (column.type) {
    case 'integer':
      // No INTEGER logical type: hyparquet-writer 0.17 writes its i8 bitWidth as an i32, which DuckDB refuses to read.
      // INT_64 says the same (signed, 64 bits) to every reader.
      return { ...base, type: 'INT64', converted_type: 'INT_64' };
    case 'number':
      return { ...base, type: 'DOUBLE' };
    case 'boolean':
      return { ...base, type: 'BOOLEAN' };
    case 'json':
      return { ...base, type: 'BYTE_ARRAY', converted_type: 'JSON', logical_type: { type: 'JSON' } };
    case 'string':
      return { ...base, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' } };
  }
}

/** A cell as the writer takes it: JSON values as they are, since the writer serialises JSON columns itself. */
function toParquetValue(value: unknown, type: ExportColumn['type']) {
  if (value === undefined || value === null) return null;
  switch (type) {
    case 'json':
      return value;
    case 'integer':
      // BigInt refuses a fraction, so a real value declared as a count fails the export instead of being rounded.
      return BigInt(value as number | string | bigint);
    case 'number':
      return Number(value);
    case 'boolean':
      return Boolean(value);
    case 'string':
      return typeof value === 'string' ? value : JSON.stringify(value);
  }
}

import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import { compressSync } from 'snappy';
import type { SchemaElement } from 'hyparquet';

import type { ExportColumn } from '../../tasks/task-type.ts';

const FLUSH_BYTES = 1 << 20;
/**
 * A row group closes at this many rows or about this many bytes of strings, whichever comes first: groups of a few
 * thousand rows spent more on per-group work (statistics, dictionaries, page headers) than on the data, and a
 * group is the unit readers skip and parallelise over, so tens of thousands of rows is what they expect.
 */
const ROW_GROUP = { rows: 20_000, bytes: 16 << 20 };

/**
 * Snappy through the native library: the writer's own JavaScript Snappy was a fifth of a Parquet export's CPU. Same
 * codec, same bytes on disk for every reader.
 */
const nativeSnappy = (input: Uint8Array) => compressSync(Buffer.from(input.buffer, input.byteOffset, input.byteLength));

/**
 * Writes Parquet to a Node stream a row group at a time (see ROW_GROUP), so an export of millions of rows holds one
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
    compressors: { SNAPPY: nativeSnappy },
  });
  let group: unknown[][] = [];
  let groupBytes = 0;
  const writeGroup = async () => {
    if (!group.length) return;
    const rows = group;
    group = [];
    groupBytes = 0;
    const columnData = columns.map((c, i) => ({
      name: c.name,
      data: rows.map((cells) => toParquetValue(cells[i], c.type)),
      // min/max of long strings and JSON help no reader prune anything here, and cost a comparison per value.
      statistics: c.type !== 'string' && c.type !== 'json',
    }));
    await writer.write({ columnData, rowGroupSize: rows.length });
    await bytes.flush();
  };
  const writeCells = async (rows: unknown[][]) => {
    for (const cells of rows) {
      group.push(cells);
      for (const cell of cells) if (typeof cell === 'string') groupBytes += cell.length;
      if (group.length >= ROW_GROUP.rows || groupBytes >= ROW_GROUP.bytes) await writeGroup();
    }
  };
  return {
    /** Adds rows of cells in column order; a row group is written whenever enough have gathered. */
    writeCells,
    /** Adds rows as objects keyed by column name. */
    writeRows: (rows: Record<string, unknown>[]) => writeCells(rows.map((r) => columns.map((c) => r[c.name]))),
    /** Writes the last row group and the footer, and flushes everything. */
    async finish() {
      await writeGroup();
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

/**
 * Reading the named columns of a CSV file as the offline aggregator does: quickly when the file is plain, through
 * csv-parse otherwise, with csv-parse's reading and csv-parse's errors either way.
 */
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';

/** Receives a data row, valid during the call only: column k of those asked for is `fields[start + at[k]]`. */
export type CsvRowSink = (fields: readonly string[], start: number, at: readonly number[]) => void;

/** Seconds spent reading and splitting the file, and in the sink, for a caller's stage timings. */
export interface CsvReadTimes {
  parseSeconds: number;
  sinkSeconds: number;
}

/** Receives `rows` records of `width` fields each, end to end in `fields`. */
type RecordsSink = (fields: readonly string[], rows: number, width: number) => void;

// Chunks of this many bytes: a chunk's rows are split in one pass, then handed on in one loop.
const chunkBytes = 1 << 20;
const CR = 13;

/**
 * Streams the file's data rows to `sink`, with `at` the positions of `columns` in the header (a missing one is an
 * error). The file is read as csv-parse reads it with `bom` and `skip_empty_lines`: quoted fields may span lines, a
 * byte-order mark is dropped, the record delimiter is the first line end met (CRLF, LF or CR), empty lines are
 * skipped, and a row with another field count than the header's is csv-parse's error naming its line.
 *
 * Hand-written for the common case, csv-parse kept for the rest. In a file without a double quote and with one
 * line-end style a row is two `indexOf` calls and three substrings, where csv-parse walks every byte and builds
 * each field from a buffer: at 10^6 item,worker,label rows csv-parse's pass alone took 2.5-3 s, over most of
 * Dawid-Skene's 3 s target end to end. From the first chunk holding anything else (a quote, a lone CR, a line end
 * unlike the first, a row of another width), csv-parse reads the file again from its start with `from` set past
 * the rows already delivered, so its line count, hence its error messages, are those of the whole file.
 */
export async function readCsvColumns(file: string, columns: readonly string[], sink: CsvRowSink): Promise<CsvReadTimes> {
  const started = performance.now();
  const times: CsvReadTimes = { parseSeconds: 0, sinkSeconds: 0 };
  let at: number[] | null = null;
  const onRecords: RecordsSink = (fields, rows, width) => {
    const sinking = performance.now();
    let r = 0;
    if (!at && rows > 0) {
      const names = fields.slice(0, width);
      const positions = columns.map((c) => names.indexOf(c));
      const missing = columns.filter((_, k) => positions[k] < 0);
      if (missing.length > 0) throw new Error(`header lacks ${missing.join(', ')}`);
      at = positions;
      r = 1;
    }
    for (let start = r * width; r < rows; r++, start += width) sink(fields, start, at!);
    times.sinkSeconds += (performance.now() - sinking) / 1000;
  };
  try {
    const plain = await readPlain(file, onRecords);
    if (!plain.finished) await readWithCsvParse(file, plain.records + 1, onRecords);
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
  if (!at) throw new Error(`${file}: empty file`);
  times.parseSeconds = (performance.now() - started) / 1000 - times.sinkSeconds;
  return times;
}

/** Every record from the `from`-th on (1 the header) through csv-parse. */
async function readWithCsvParse(file: string, from: number, onRecords: RecordsSink): Promise<void> {
  const parser = parse({ bom: true, skip_empty_lines: true, from });
  parser.on('data', (record: string[]) => {
    try {
      onRecords(record, 1, record.length);
    } catch (error) {
      parser.destroy(error as Error);
    }
  });
  await pipeline(fs.createReadStream(file), parser);
}

/** State of the plain reader across chunks. */
interface PlainState {
  /** Fields per record, from the first; -1 before it. */
  width: number;
  /** Whether lines end in CRLF, from the first line end; null before it. */
  crlf: boolean | null;
  /** Reused for every chunk's fields. */
  fields: string[];
}

/**
 * Reads the file while it is plain, delivering each chunk's records once the whole chunk is known to be plain.
 * Returns whether it read to the end, and how many records (the header included) it delivered.
 */
async function readPlain(file: string, onRecords: RecordsSink): Promise<{ finished: boolean; records: number }> {
  const stream = fs.createReadStream(file, { encoding: 'utf8', highWaterMark: chunkBytes });
  const state: PlainState = { width: -1, crlf: null, fields: [] };
  let records = 0;
  let carry = '';
  let first = true;
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      let text = carry + chunk;
      if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
      const limit = text.lastIndexOf('\n') + 1;
      if (limit === 0) {
        carry = text;
        continue;
      }
      const rows = splitPlain(text, limit, state);
      if (rows < 0) return { finished: false, records };
      onRecords(state.fields, rows, state.width);
      records += rows;
      carry = text.slice(limit);
    }
  } finally {
    stream.destroy();
  }
  if (carry.length > 0) {
    // The last line, without a line end: split as if it had the file's own.
    const rows = splitPlain(carry + (state.crlf ? '\r\n' : '\n'), carry.length + (state.crlf ? 2 : 1), state);
    if (rows < 0) return { finished: false, records };
    onRecords(state.fields, rows, state.width);
    records += rows;
  }
  return { finished: true, records };
}

/**
 * Splits the lines of `text` up to `limit` (just past a line feed) into `state.fields`, returning the number of
 * records, or -1 where csv-parse must decide: a double quote, a carriage return other than in each line's CRLF, or
 * a record of another width than the first.
 */
function splitPlain(text: string, limit: number, state: PlainState): number {
  if (text.includes('"')) return -1;
  if (state.crlf === null) {
    const firstLf = text.indexOf('\n');
    state.crlf = firstLf > 0 && text.charCodeAt(firstLf - 1) === CR;
  }
  const { crlf, fields } = state;
  let carriageReturns = 0;
  for (let cr = text.indexOf('\r'); cr >= 0 && cr < limit; cr = text.indexOf('\r', cr + 1)) carriageReturns++;
  if (!crlf && carriageReturns > 0) return -1;
  let lines = 0;
  let rows = 0;
  let k = 0;
  for (let pos = 0; pos < limit;) {
    const lf = text.indexOf('\n', pos);
    const end = crlf ? lf - 1 : lf;
    lines++;
    if (crlf && (end < pos || text.charCodeAt(end) !== CR)) return -1;
    if (end > pos) {
      let count = 0;
      for (let from = pos; ;) {
        const comma = text.indexOf(',', from);
        if (comma < 0 || comma >= end) {
          fields[k++] = text.slice(from, end);
          count++;
          break;
        }
        fields[k++] = text.slice(from, comma);
        count++;
        from = comma + 1;
      }
      if (state.width < 0) state.width = count;
      else if (count !== state.width) return -1;
      rows++;
    }
    pos = lf + 1;
  }
  if (crlf && carriageReturns !== lines) return -1;
  return rows;
}

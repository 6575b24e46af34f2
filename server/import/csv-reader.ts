import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvError, parse } from 'csv-parse';
import type { RecordReader, SourceRecord } from './source-record.ts';
import { tooLarge } from './source-record.ts';
import { splitLines } from './split-lines.ts';

const NEWLINE = Buffer.from('\n');
const QUOTE = 0x22;

/** A record over the limit, found while feeding the parser. */
class RecordTooLarge extends Error {
  constructor(readonly line: number) {
    super('record too large');
  }
}

/**
 * CSV with a header row (RFC 4180: quoted fields may span lines). Lines are checked for UTF-8 before parsing, and a
 * record that touches an invalid line is reported instead of imported. A structural error, or a record over the
 * limit, ends the file: past it, record boundaries cannot be trusted.
 */
export const readCsv: RecordReader = async function* (input, { maxRecordBytes }) {
  const badLines = new Set<number>();
  let consumed = 0;
  // Where the record being fed began: a line ending outside quotes ends a record, and in RFC 4180 a line ends
  // inside quotes exactly when the record so far holds an odd number of quote characters ("" escapes one).
  let recordStart = 1;
  let recordBytes = 0;
  let quoted = false;
  const parser = parse({ columns: true, info: true, skip_empty_lines: true, bom: true });
  const lines = Readable.from(
    (async function* () {
      for await (const { line, bytes, valid, oversize, consumed: c } of splitLines(input, { maxLineBytes: maxRecordBytes })) {
        // Checked before the parser sees the line, so it never holds more than the limit of one record.
        recordBytes += bytes.length + 1;
        if (oversize || recordBytes > maxRecordBytes) throw new RecordTooLarge(recordStart);
        if (!valid) badLines.add(line);
        consumed = c;
        if (quoteCount(bytes) % 2 === 1) quoted = !quoted;
        if (!quoted) {
          recordStart = line + 1;
          recordBytes = 0;
        }
        yield Buffer.concat([bytes, NEWLINE]);
      }
    })(),
  );
  // pipeline carries backpressure both ways and, when either side fails, stops the other: a parse error ends the
  // feed instead of leaving it waiting for a 'drain' that never comes. The error itself surfaces below.
  const fed = pipeline(lines, parser).catch(() => {});
  let previousEnd = 1; // the header line
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      const first = previousEnd + 1;
      previousEnd = info.lines;
      yield recordOrError(record, first, info.lines, badLines, consumed);
    }
  } catch (error) {
    yield fatal(error, recordStart, maxRecordBytes, consumed);
  } finally {
    parser.destroy();
    await fed;
  }
};

/** The report for what ended the file: an unclosed quote is pinned to where its record began, not to the end. */
function fatal(error: unknown, recordStart: number, maxRecordBytes: number, bytes: number): SourceRecord {
  const [line, problem] =
    error instanceof RecordTooLarge
      ? [error.line, tooLarge(maxRecordBytes)]
      : error instanceof CsvError && error.code !== 'CSV_QUOTE_NOT_CLOSED' && typeof error.lines === 'number'
        ? [error.lines, `malformed CSV: ${error.message}`]
        : [recordStart, `malformed CSV: ${(error as Error).message}`];
  return { line, error: `${problem}; the file was not read past line ${line}`, bytes, fatal: true };
}

function quoteCount(bytes: Buffer): number {
  let count = 0;
  for (let i = bytes.indexOf(QUOTE); i !== -1; i = bytes.indexOf(QUOTE, i + 1)) count++;
  return count;
}

function recordOrError(record: Record<string, string>, first: number, last: number, badLines: Set<number>, bytes: number): SourceRecord {
  for (let l = first; l <= last; l++) if (badLines.has(l)) return { line: l, error: 'invalid UTF-8', bytes };
  return { line: first, record, bytes };
}

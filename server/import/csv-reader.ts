import { parse } from 'csv-parse';
import type { RecordReader, SourceRecord } from './source-record.ts';
import { splitLines } from './split-lines.ts';

/**
 * CSV with a header row (RFC 4180: quoted fields may span lines). Lines are checked for UTF-8 before parsing, and a
 * record that touches an invalid line is reported instead of imported. A structural error ends the file: past it,
 * record boundaries cannot be trusted.
 */
export const readCsv: RecordReader = async function* (input) {
  const badLines = new Set<number>();
  let consumed = 0;
  const parser = parse({ columns: true, info: true, relax_column_count: false, skip_empty_lines: true, bom: true });
  const feed = (async () => {
    for await (const { line, bytes, valid, consumed: c } of splitLines(input)) {
      if (!valid) badLines.add(line);
      consumed = c;
      if (!parser.write(Buffer.concat([bytes, Buffer.from('\n')]))) await new Promise((r) => parser.once('drain', r));
    }
    parser.end();
  })();
  feed.catch((error) => parser.destroy(error));
  let previousEnd = 1; // the header line
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      const first = previousEnd + 1;
      previousEnd = info.lines;
      yield recordOrError(record, first, info.lines, badLines, consumed);
    }
  } catch (error) {
    const e = error as { lines?: number; message: string };
    yield { line: e.lines ?? previousEnd + 1, error: `malformed CSV: ${e.message}`, bytes: consumed };
  }
  await feed.catch(() => {});
};

function recordOrError(record: Record<string, string>, first: number, last: number, badLines: Set<number>, bytes: number): SourceRecord {
  for (let l = first; l <= last; l++) if (badLines.has(l)) return { line: l, error: 'invalid UTF-8', bytes };
  return { line: first, record, bytes };
}

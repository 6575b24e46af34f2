/**
 * Writing the offline aggregator's output CSV in Curate's dialect (server/export/csv-format.ts), quickly.
 */
import fs from 'node:fs';
import { once } from 'node:events';
import { csvLines } from '../../server/export/csv-format.ts';

/** A cell of the aggregator's output: an id or label as given, or a number. */
export type CsvCell = string | number;

// A string with none of these is written as it is by csv-stringify in Curate's dialect (no quoting options, no
// formula escaping); any other string goes through csv-stringify itself.
const needsQuoting = /[",\r\n]/;

/**
 * One row as csv-stringify writes it in Curate's dialect, its line break included. Cells that need nothing (most
 * ids, every number) are joined here: csv-stringify's per-row cost was 0.4-0.8 s of the writing of 200,000 rows,
 * and the aggregator writes one row per item. Cells that need quoting are quoted by csv-stringify.
 */
export function csvRow(cells: readonly CsvCell[]): string {
  let line = '';
  for (let c = 0; c < cells.length; c++) {
    const cell = cells[c];
    if (c > 0) line += ',';
    if (typeof cell === 'number') line += String(cell);
    else if (!needsQuoting.test(cell)) line += cell;
    else line += csvLines([[cell]]).slice(0, -1);
  }
  return line + '\n';
}

// Text is handed to the file in pieces of about this many characters.
const flushChars = 1 << 20;

/** Writes the rows to `file` (replacing it) through one buffered stream, waiting for it to drain when it asks. */
export async function writeCsvRows(file: string, rows: Iterable<readonly CsvCell[]>): Promise<void> {
  const out = fs.createWriteStream(file);
  const closed = once(out, 'close');
  // An error while writing ends the stream and rejects here; without a listener it would crash the process.
  const failed = once(out, 'error').then(([error]) => Promise.reject(error as Error));
  failed.catch(() => {});
  let text = '';
  const flush = async () => {
    if (!out.write(text)) await Promise.race([once(out, 'drain'), failed]);
    text = '';
  };
  for (const row of rows) {
    text += csvRow(row);
    if (text.length >= flushChars) await flush();
  }
  if (text.length > 0) await flush();
  out.end();
  await Promise.race([closed, failed]);
}

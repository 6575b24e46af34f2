import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { csvLines } from '../../../server/export/csv-format.ts';
import { csvRow, writeCsvRows, type CsvCell } from '../../../scripts/cli/csv-writer.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curate-csv-writer-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const cells: CsvCell[] = [
  'plain',
  '',
  ' spaced ',
  'a,b',
  'say "hi"',
  'two\nlines',
  'cr\rhere',
  'crlf\r\n',
  '"',
  '=1+2',
  '-3',
  '@x',
  'ß漢字🙂',
  0,
  -0,
  0.123456,
  1e-7,
  -2.5,
  1e21,
  NaN,
];

describe('csvRow', () => {
  it("writes every row as Curate's csv-stringify dialect does", () => {
    for (const a of cells) for (const b of cells) expect(csvRow([a, b, 1])).toBe(csvLines([[a, b, 1]]));
  });
});

describe('writeCsvRows', () => {
  it('writes rows across several flushes, the same text as csv-stringify', async () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => [`item ${i}`, i % 7 === 0 ? 'a,"b"' : `c${i % 6}`, i / 7]);
    const file = path.join(dir, 'out.csv');
    await writeCsvRows(file, rows);
    expect(fs.readFileSync(file, 'utf8')).toBe(csvLines(rows));
  });

  it('rejects when the file cannot be written', async () => {
    await expect(writeCsvRows(path.join(dir, 'missing', 'out.csv'), [['a']])).rejects.toThrow(/ENOENT/);
  });
});

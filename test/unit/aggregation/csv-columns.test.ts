import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { readCsvColumns } from '../../../scripts/cli/csv-columns.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curate-csv-columns-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let files = 0;
function write(text: string | Buffer): string {
  const file = path.join(dir, `f${files++}.csv`);
  fs.writeFileSync(file, text);
  return file;
}

const columns = ['item', 'worker', 'label'];

/** What the reader delivers: the named columns of every data row, or the error message. */
async function read(file: string): Promise<string[][] | string> {
  const rows: string[][] = [];
  try {
    await readCsvColumns(file, columns, (fields, start, at) => rows.push(at.map((k) => fields[start + k])));
    return rows;
  } catch (error) {
    return (error as Error).message;
  }
}

/** The same through csv-parse alone, as the CLI read every file before the plain reader. */
function expected(file: string): string[][] | string {
  let records: string[][];
  try {
    records = parse(fs.readFileSync(file), { bom: true, skip_empty_lines: true });
  } catch (error) {
    return `${file}: ${(error as Error).message}`;
  }
  if (records.length === 0) return `${file}: empty file`;
  const at = columns.map((c) => records[0].indexOf(c));
  const missing = columns.filter((_, k) => at[k] < 0);
  if (missing.length > 0) return `${file}: header lacks ${missing.join(', ')}`;
  return records.slice(1).map((r) => at.map((k) => r[k]));
}

/** Rows of plain fields, enough of them to span several of the reader's 1 MiB chunks. */
function plainRows(count: number, eol = '\n'): string {
  let text = '';
  for (let j = 0; j < count; j++) text += `item${j % 9973},w${j % 101},c${j % 6}${eol}`;
  return text;
}

describe('readCsvColumns reads what csv-parse reads', () => {
  const cases: [string, string | Buffer][] = [
    ['plain LF', 'item,worker,label\na,w1,x\nb,w2,y\n'],
    ['columns in another order, and more of them', 'label,extra,worker,item\nx,1,w1,a\ny,2,w2,b\n'],
    ['no line end after the last row', 'item,worker,label\na,w1,x\nb,w2,y'],
    ['CRLF', 'item,worker,label\r\na,w1,x\r\nb,w2,y\r\n'],
    ['CRLF without the last line end', 'item,worker,label\r\na,w1,x\r\nb,w2,y'],
    ['a byte-order mark', '\uFEFFitem,worker,label\na,w1,x\n'],
    ['a byte-order mark and CRLF', '\uFEFFitem,worker,label\r\na,w1,x\r\n'],
    ['empty lines, leading, inside and trailing', '\n\nitem,worker,label\n\na,w1,x\n\n\nb,w2,y\n\n'],
    ['empty lines with CRLF', '\r\nitem,worker,label\r\n\r\na,w1,x\r\n\r\n'],
    ['empty fields', 'item,worker,label\na,,x\n,w2,\n'],
    ['spaces kept', 'item,worker,label\n a , w1 ,x \n'],
    ['quoted fields with commas, quotes and line ends', 'item,worker,label\n"a, b",w1,"say ""hi"""\n"c\nd",w2,"e\r\nf"\n'],
    ['lone CR as the record delimiter', 'item,worker,label\ra,w1,x\rb,w2,y\r'],
    ['a CR inside a field of an LF file', 'item,worker,label\na\rb,w1,x\n'],
    ['an LF line end in a CRLF file', 'item,worker,label\r\na,w1,x\nb,w2,y\r\n'],
    ['multi-byte characters', 'item,worker,label\nß漢字🙂,w1,ü\n'],
    ['a row with too few fields', 'item,worker,label\nd1,w1,a\nd2,w1\n'],
    ['a row with too many fields', 'item,worker,label\nd1,w1,a,extra\n'],
    ['a line of spaces', 'item,worker,label\nd1,w1,a\n   \n'],
    ['a stray quote in an unquoted field', 'item,worker,label\nd"1,w1,a\n'],
    ['an unclosed quote', 'item,worker,label\n"d1,w1,a\n'],
    ['a header without a named column', 'a,b,c\n1,2,3\n'],
    ['an empty file', ''],
    ['only a byte-order mark', '\uFEFF'],
    ['only empty lines', '\n\n\r\n'],
    ['a header and nothing else', 'item,worker,label\n'],
  ];
  for (const [name, text] of cases) {
    it(name, async () => {
      const file = write(text);
      expect(await read(file)).toEqual(expected(file));
    });
  }

  it('reads files over several chunks, a multi-byte character across a chunk boundary included', async () => {
    const header = 'item,worker,label\n';
    // Place a 4-byte character so that it straddles the first 1 MiB boundary.
    const filler = plainRows(60_000);
    const cut = (1 << 20) - Buffer.byteLength(header) - 2;
    const lineStart = filler.lastIndexOf('\n', cut) + 1;
    const text = header + filler.slice(0, lineStart) + 'x'.repeat(cut - lineStart) + '🙂,w1,c1\n' + filler;
    const file = write(text);
    const rows = await read(file);
    expect(rows).toEqual(expected(file));
    expect((rows as string[][]).length).toBeGreaterThan(100_000);
  });

  it('hands over to csv-parse at a quote past the first chunk, delivering each row once', async () => {
    const file = write(`item,worker,label\n${plainRows(80_000)}"quoted, item",w1,c1\n${plainRows(10)}`);
    expect(await read(file)).toEqual(expected(file));
  });

  it('names the line of a short row past the first chunk as csv-parse counts it in the whole file', async () => {
    const file = write(`item,worker,label\n${plainRows(80_000)}short,w1\n${plainRows(10)}`);
    const message = await read(file);
    expect(message).toBe(expected(file));
    expect(message).toMatch(/line 80002\b/);
  });

  it('reads a CRLF file over several chunks', async () => {
    const file = write(`item,worker,label\r\n${plainRows(80_000, '\r\n')}`);
    const rows = await read(file);
    expect(rows).toEqual(expected(file));
    expect((rows as string[][]).length).toBe(80_000);
  });
});

import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { parse } from 'csv-parse/sync';
import { csvLines, csvStream } from '../../../server/export/csv-format.ts';

const row = ['plain', 'with,comma', 'say "hi"', 'two\nlines', '', 3, 0.5, true, false, null, undefined, { url: 'https://x.org/?a=1,2' }, ['a', 'b']];

describe('csvLines', () => {
  it('quotes only fields that need it, writes null as empty, booleans as words and objects as JSON', () => {
    expect(csvLines([row])).toBe(
      'plain,"with,comma","say ""hi""","two\nlines",,3,0.5,true,false,,,"{""url"":""https://x.org/?a=1,2""}","[""a"",""b""]"\n',
    );
  });

  it('reads back with csv-parse as the same strings', () => {
    const rows = [['id', 'text'], ...row.map((v, k) => [String(k), typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v ?? '')])];
    expect(parse(csvLines(rows))).toEqual(rows);
  });

  it('streams the same text as it formats', async () => {
    expect(await text(Readable.from([row, row]).pipe(csvStream()))).toBe(csvLines([row, row]));
  });
});

import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { splitLines } from '../../../server/import/split-lines.ts';
import { readCsv } from '../../../server/import/csv-reader.ts';
import { readJsonl } from '../../../server/import/jsonl-reader.ts';
import type { RecordReader, SourceRecord } from '../../../server/import/source-record.ts';

const limits = { maxRecordBytes: 100 };

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** What a reader made of the pieces, without the progress byte counts. */
async function read(reader: RecordReader, pieces: (string | Buffer)[]) {
  const records: SourceRecord[] = await collect(reader(Readable.from(pieces.map((p) => Buffer.from(p))), limits));
  return records.map(({ bytes: _bytes, ...rest }) => rest);
}

describe('splitLines', () => {
  it('drops a line past the limit as it arrives, says so, and goes on with the next line', async () => {
    const pieces = ['short\nlong', ...Array.from({ length: 50 }, () => 'x'.repeat(1000)), '\nafter\n'].map((p) => Buffer.from(p));
    const lines = await collect(splitLines(Readable.from(pieces), { maxLineBytes: 100 }));
    expect(lines.map(({ line, bytes, oversize }) => ({ line, text: bytes.toString(), oversize }))).toEqual([
      { line: 1, text: 'short', oversize: false },
      { line: 2, text: '', oversize: true },
      { line: 3, text: 'after', oversize: false },
    ]);
    expect(lines[2].consumed).toBe(pieces.reduce((n, p) => n + p.length, 0));
  });

  it('leaves a byte order mark out of line 1', async () => {
    const lines = await collect(splitLines(Readable.from([Buffer.from('\uFEFFfirst\nsecond')])));
    expect(lines.map((l) => l.bytes.toString())).toEqual(['first', 'second']);
  });

  it('leaves the input open when the caller stops early, so the rest can still be drained', async () => {
    const input = Readable.from([Buffer.from('a\nb\n'), Buffer.from('c\n')], { objectMode: false });
    for await (const line of splitLines(input)) if (line.line === 1) break;
    expect(input.destroyed).toBe(false);
    input.resume();
    await new Promise((resolve) => input.on('end', resolve));
  });
});

describe('readCsv', () => {
  it('ends the file at a stray quote, reporting its line, without reading the rest', async () => {
    let produced = 0;
    const endless = Readable.from(
      (function* () {
        yield Buffer.from('text,id\nfine,1\nbad"quote,2\n');
        for (;;) yield Buffer.from(`row ${++produced},${produced}\n`);
      })(),
    );
    const records = await collect(readCsv(endless, limits));
    expect(records.at(-1)).toMatchObject({
      line: 3,
      fatal: true,
      error: expect.stringMatching(/^malformed CSV: Invalid Opening Quote.*not read past line 3$/),
    });
    expect(produced).toBeLessThan(100_000);
    endless.destroy();
  });

  it('pins an unclosed quote to the line its record starts on', async () => {
    expect(await read(readCsv, ['text\nok\n"never closed\nmore\nlines\n'])).toEqual([
      { line: 2, record: { text: 'ok' } },
      { line: 3, error: expect.stringMatching(/^malformed CSV: Quote Not Closed.*not read past line 3$/), fatal: true },
    ]);
  });

  it('stops a quoted field spread over lines at the limit and reports the line its record starts on', async () => {
    const field = Array.from({ length: 30 }, () => 'y'.repeat(20)).join('\n');
    // Records the parser had buffered when the file ended may be dropped: the import fails as a whole anyway.
    const records = await read(readCsv, [`text,notes\nok,"a ""quoted"" note\nover two lines"\nhuge,"${field}"\n`]);
    expect(records.at(-1)).toEqual({
      line: 4,
      error: 'record of more than 100 bytes exceeds the limit of 100; the file was not read past line 4',
      fatal: true,
    });
  });
});

describe('readJsonl', () => {
  it('reports a line over the limit and reads on', async () => {
    expect(await read(readJsonl, ['{"text":"a"}\n', `{"text":"${'z'.repeat(500)}"}\n`, '{"text":"b"}\n'])).toEqual([
      { line: 1, record: { text: 'a' } },
      { line: 2, error: 'record of more than 100 bytes exceeds the limit of 100' },
      { line: 3, record: { text: 'b' } },
    ]);
  });

  it('says how a JSON array is read when given one as JSON Lines', async () => {
    const [first] = await read(readJsonl, ['[{"text":"a"},\n{"text":"b"}]\n']);
    expect(first).toMatchObject({ line: 1, error: expect.stringMatching(/a JSON array is read as format json, which a \.json name picks/) });
  });
});

import { describe, expect, it } from 'vitest';
import { PassThrough, Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import { readCorpus } from '../../../server/import/read-corpus.ts';
import { leafPaths, withoutPath } from '../../../server/import/field-path.ts';
import type { ImportFormat } from '../../../server/import/import-options.ts';

const limits = { maxRecordBytes: 1000 };

async function read(pieces: Buffer[], format: ImportFormat, filename: string) {
  const out = [];
  for await (const { bytes: _bytes, ...rest } of readCorpus(Readable.from(pieces), format, filename, limits)) out.push(rest);
  return out;
}

/** A buffer cut into pieces of `size` bytes, as a network delivers it. */
const pieces = (buffer: Buffer, size: number) =>
  Array.from({ length: Math.ceil(buffer.length / size) }, (_, i) => buffer.subarray(i * size, (i + 1) * size));

describe('JSON arrays', () => {
  const array = Buffer.from(`\uFEFF \n  ${JSON.stringify([{ text: 'a', m: { url: 'u' } }, 3, { text: 'b' }], null, 2)}`);

  it('streams the elements, numbered from 1, whatever the pieces (whitespace and a byte order mark first)', async () => {
    const expected = [
      { line: 1, record: { text: 'a', m: { url: 'u' } } },
      { line: 2, error: 'expected a JSON object in the array' },
      { line: 3, record: { text: 'b' } },
    ];
    expect(await read([array], 'json', 'a.json')).toEqual(expected);
    expect(await read(pieces(array, 1), 'json', 'a.json')).toEqual(expected);
  });

  it('ends a truncated array with a fatal problem no later than the element it broke in', async () => {
    const records = await read([array.subarray(0, -8)], 'json', 'a.json');
    const last = records.at(-1)!;
    expect(last).toMatchObject({
      fatal: true,
      error: expect.stringMatching(/^malformed JSON array \(.+\) at or after element \d; the file was not read past it$/),
    });
    expect(last.line).toBeLessThanOrEqual(3);
    expect(records.filter((r) => 'record' in r).length).toBeLessThan(2);
  });

  it('reads a .json file that is not an array as JSON Lines', async () => {
    expect(await read([Buffer.from('{"text":"one"}\n{"text":"two"}\n')], 'json', 'a.json')).toEqual([
      { line: 1, record: { text: 'one' } },
      { line: 2, record: { text: 'two' } },
    ]);
  });

  it('reports an element over the record limit and goes on', async () => {
    const records = await read([Buffer.from(JSON.stringify([{ text: 'x'.repeat(2000) }, { text: 'ok' }]))], 'json', 'a.json');
    expect(records).toEqual([
      { line: 1, error: expect.stringMatching(/exceeds the limit of 1000/) },
      { line: 2, record: { text: 'ok' } },
    ]);
  });
});

describe('gzip', () => {
  const lines = Buffer.from('{"text":"g1","metadata":{"url":"http://a"}}\n{"text":"g2"}\n');

  it('is known by its magic bytes, in one piece or byte by byte, named .gz or not', async () => {
    const expected = [
      { line: 1, record: { text: 'g1', metadata: { url: 'http://a' } } },
      { line: 2, record: { text: 'g2' } },
    ];
    expect(await read([gzipSync(lines)], 'jsonl', 'a.jsonl.gz')).toEqual(expected);
    expect(await read(pieces(gzipSync(lines), 1), 'jsonl', 'a.jsonl')).toEqual(expected);
  });

  it('ends a truncated stream after the last whole record, with a fatal problem, whatever the reader', async () => {
    const csv = gzipSync(Buffer.from('text,id\n' + Array.from({ length: 3000 }, (_, i) => `row ${i * 7919},${i}`).join('\n')));
    const records = await read([csv.subarray(0, csv.length / 2)], 'csv', 'a.csv.gz');
    const last = records.at(-1)!;
    expect(last).toMatchObject({
      fatal: true,
      error: expect.stringMatching(/^corrupt gzip data \(unexpected end of file\); the file was not read past line \d+$/),
    });
    expect(records.slice(0, -1).every((r) => 'record' in r)).toBe(true);
    expect(records.filter((r) => 'fatal' in r)).toHaveLength(1);
  });

  it('reports plain bytes named .gz', async () => {
    expect(await read([lines], 'jsonl', 'a.jsonl.gz')).toEqual([
      { line: 0, fatal: true, error: '"a.jsonl.gz" is named .gz but is not gzip-compressed (rename it, or compress it)' },
    ]);
  });

  it('leaves the input open and drainable when reading stops early', async () => {
    const input = new PassThrough();
    input.write('text,id\nfine,1\nbad"quote,2\n');
    input.write('more,3\n'.repeat(5000));
    for await (const record of readCorpus(input, 'csv', 'a.csv', limits)) if ('fatal' in record) break;
    expect(input.destroyed).toBe(false);
    input.end('last,4\n');
    input.resume();
    await finished(input);
  });
});

describe('field paths', () => {
  it('lists the leaves of nested objects as dotted paths, arrays whole', () => {
    expect(leafPaths({ id: 1, metadata: { url: 'u', warc: { date: 'd' } }, tags: ['a'], empty: {} })).toEqual([
      'id',
      'metadata.url',
      'metadata.warc.date',
      'tags',
      'empty',
    ]);
  });

  it('copies a record without one nested value, dropping an object it leaves empty', () => {
    const record = { a: { b: 1, c: 2 }, d: { e: 3 } };
    expect(withoutPath(record, ['a', 'b'])).toEqual({ a: { c: 2 }, d: { e: 3 } });
    expect(withoutPath(record, ['d', 'e'])).toEqual({ a: { b: 1, c: 2 } });
    expect(record).toEqual({ a: { b: 1, c: 2 }, d: { e: 3 } });
  });
});

import { describe, expect, it } from 'vitest';
import { normalizeRecord } from '../../../server/import/normalize-record.ts';
import { resolveFormat } from '../../../server/import/import-options.ts';

const options = { textField: 'text', idField: 'id', meta: undefined };

describe('normalizeRecord', () => {
  it('keeps id, text, metadata, and derives source from the URL host', () => {
    const r = normalizeRecord({ id: 5, text: 'héllo', url: 'https://a.example.org/x', lang: 'fr' }, 1, options, 100);
    expect(r).toMatchObject({ document: { externalId: '5', text: 'héllo', source: 'a.example.org', lang: 'fr', tokenEstimate: 2 } });
  });

  it('names the problem for missing, empty, mistyped and oversized text', () => {
    expect(normalizeRecord({ id: 1 }, 1, options, 100)).toEqual({ error: 'missing text field "text"' });
    expect(normalizeRecord({ id: 1, text: '  ' }, 1, options, 100)).toEqual({ error: 'text field "text" is empty' });
    expect(normalizeRecord({ id: 1, text: ['a'] }, 1, options, 100)).toEqual({ error: 'text field "text" must be a string, got array' });
    expect(normalizeRecord({ id: 1, text: 'é'.repeat(60) }, 1, options, 100)).toEqual({
      error: 'document of 122 bytes (text and metadata) exceeds the limit of 100',
    });
  });

  it('counts metadata towards the size limit, not only the text', () => {
    expect(normalizeRecord({ id: 1, text: 'short', notes: 'n'.repeat(100) }, 1, options, 100)).toEqual({
      error: 'document of 117 bytes (text and metadata) exceeds the limit of 100',
    });
  });

  it('names the field holding a NUL character or an unpaired surrogate, which the store cannot hold', () => {
    expect(normalizeRecord({ id: 1, text: 'a\u0000b' }, 1, options, 100)).toEqual({
      error: 'text field "text" contains a NUL character (U+0000), which cannot be stored',
    });
    expect(normalizeRecord({ id: 1, text: 'ok', tags: [{ x: 'b\u0000' }] }, 1, options, 100)).toEqual({
      error: 'metadata field "tags" contains a NUL character (U+0000), which cannot be stored',
    });
    expect(normalizeRecord({ id: 1, text: 'lone \ud800 surrogate' }, 1, options, 100)).toMatchObject({
      error: expect.stringMatching(/unpaired UTF-16 surrogate/),
    });
    expect(normalizeRecord({ id: 1, text: 'a pair \ud83d\ude00 is fine' }, 1, options, 100)).toHaveProperty('document');
  });

  it('falls back to the line number as id when no id field is named', () => {
    const r = normalizeRecord({ text: 't' }, 42, { textField: 'text', idField: undefined, meta: undefined }, 100);
    expect(r).toMatchObject({ document: { externalId: 'line-42' } });
  });

  it('keeps only the named metadata fields', () => {
    const r = normalizeRecord({ text: 't', a: 1, b: 2, source: 's' }, 1, { textField: 'text', idField: undefined, meta: ['a', 'source'] }, 100);
    expect(r).toMatchObject({ document: { meta: { a: 1, source: 's' }, source: 's' } });
  });

  it('gives equal texts equal hashes (exact-duplicate detection)', () => {
    const a = normalizeRecord({ id: 'a', text: 'same' }, 1, options, 100) as { document: { contentHash: string } };
    const b = normalizeRecord({ id: 'b', text: 'same' }, 2, options, 100) as { document: { contentHash: string } };
    expect(a.document.contentHash).toBe(b.document.contentHash);
  });
});

describe('resolveFormat', () => {
  it('uses the explicit format, else the extension', () => {
    expect(resolveFormat({ filename: 'a.csv', format: 'jsonl' })).toBe('jsonl');
    expect(resolveFormat({ filename: 'a.NDJSON' })).toBe('jsonl');
    expect(resolveFormat({ filename: 'a.json' })).toBe('json');
    expect(resolveFormat({ filename: 'cc_en_head-0000.jsonl.gz' })).toBe('jsonl');
    expect(resolveFormat({ filename: 'alpaca.json.GZ' })).toBe('json');
    expect(resolveFormat({ filename: 'b.csv.gz' })).toBe('csv');
    expect(resolveFormat({ filename: 'a.parquet' })).toBe('parquet');
    expect(resolveFormat({ filename: 'a.txt' })).toBeUndefined();
  });
});

describe('normalizeRecord with dotted field paths', () => {
  const dolma = { id: 'cc-1', text: 'A page.', source: 'cc', metadata: { url: 'https://x.example/p', warc: { date: '2019' } } };

  it('keeps the named nested fields at their nesting, and finds url and source there', () => {
    const r = normalizeRecord(dolma, 1, { textField: 'text', idField: 'id', meta: ['metadata.url', 'metadata.warc.date'] }, 1000);
    expect(r).toEqual({
      document: expect.objectContaining({
        externalId: 'cc-1',
        meta: { metadata: { url: 'https://x.example/p', warc: { date: '2019' } } },
        url: 'https://x.example/p',
        source: 'x.example',
      }),
    });
  });

  it('reads a nested text and id, and keeps the rest of their objects but not them', () => {
    const r = normalizeRecord(
      { doc: { body: 'Nested.', key: 7, lang: 'de' }, n: 1 },
      1,
      { textField: 'doc.body', idField: 'doc.key', meta: undefined },
      1000,
    );
    expect(r).toEqual({ document: expect.objectContaining({ text: 'Nested.', externalId: '7', meta: { doc: { lang: 'de' }, n: 1 }, lang: 'de' }) });
  });

  it('prefers a key holding the dots itself, as a CSV header may', () => {
    const r = normalizeRecord(
      { 'metadata.url': 'https://flat.example/', text: 't' },
      1,
      { textField: 'text', idField: undefined, meta: ['metadata.url'] },
      1000,
    );
    expect(r).toMatchObject({ document: { meta: { 'metadata.url': 'https://flat.example/' } } });
  });

  it('names a missing nested text field by its path', () => {
    expect(normalizeRecord(dolma, 1, { textField: 'metadata.text', idField: undefined, meta: undefined }, 1000)).toEqual({
      error: 'missing text field "metadata.text"',
    });
  });
});

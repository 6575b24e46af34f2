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
    expect(normalizeRecord({ id: 1, text: 'é'.repeat(60) }, 1, options, 100)).toEqual({ error: 'document of 122 bytes (text and metadata) exceeds the limit of 100' });
  });

  it('counts metadata towards the size limit, not only the text', () => {
    expect(normalizeRecord({ id: 1, text: 'short', notes: 'n'.repeat(100) }, 1, options, 100)).toEqual({
      error: 'document of 117 bytes (text and metadata) exceeds the limit of 100',
    });
  });

  it('names the field holding a NUL character or an unpaired surrogate, which the store cannot hold', () => {
    expect(normalizeRecord({ id: 1, text: 'a\u0000b' }, 1, options, 100)).toEqual({ error: 'text field "text" contains a NUL character (U+0000), which cannot be stored' });
    expect(normalizeRecord({ id: 1, text: 'ok', tags: [{ x: 'b\u0000' }] }, 1, options, 100)).toEqual({
      error: 'metadata field "tags" contains a NUL character (U+0000), which cannot be stored',
    });
    expect(normalizeRecord({ id: 1, text: 'lone \ud800 surrogate' }, 1, options, 100)).toMatchObject({ error: expect.stringMatching(/unpaired UTF-16 surrogate/) });
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
    expect(resolveFormat({ filename: 'a.json' })).toBe('jsonl');
    expect(resolveFormat({ filename: 'a.parquet' })).toBe('parquet');
    expect(resolveFormat({ filename: 'a.txt' })).toBeUndefined();
  });
});

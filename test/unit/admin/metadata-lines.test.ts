import { describe, expect, it } from 'vitest';
import { metadataLines } from '../../../client/admin/metadata-lines.ts';

describe('metadata lines', () => {
  it('walks nested objects into dotted paths, as the meta.<path> filter takes them', () => {
    expect(metadataLines({ metadata: { url: 'https://a.example', source: { name: 'cc' } }, lang: 'en' })).toEqual([
      { path: 'metadata.url', value: 'https://a.example' },
      { path: 'metadata.source.name', value: 'cc' },
      { path: 'lang', value: 'en' },
    ]);
  });

  it('keeps arrays, numbers, booleans and null as one line of JSON text', () => {
    expect(metadataLines({ tags: ['a', 'b'], score: 0.5, ok: false, gone: null })).toEqual([
      { path: 'tags', value: '["a","b"]' },
      { path: 'score', value: '0.5' },
      { path: 'ok', value: 'false' },
      { path: 'gone', value: 'null' },
    ]);
  });

  it('has no lines for empty or non-object metadata', () => {
    expect(metadataLines({})).toEqual([]);
    expect(metadataLines(null)).toEqual([]);
  });
});

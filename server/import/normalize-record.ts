import { createHash } from 'node:crypto';
import type { ImportOptions } from './import-options.ts';
import { getPath, pathSegments, setPath, withoutPath } from './field-path.ts';

/** A document ready to insert. */
export interface NormalizedDocument {
  externalId: string;
  text: string;
  contentHash: string;
  meta: Record<string, unknown>;
  source: string | null;
  url: string | null;
  lang: string | null;
  tokenEstimate: number;
}

/** About four bytes per token for English BPE vocabularies: an estimate for budgeting, not a tokenizer. */
const BYTES_PER_TOKEN = 4;

/**
 * Turns one source record into a document, or explains why it cannot be one. Pure: the same record and options
 * always give the same result.
 */
export function normalizeRecord(
  record: Record<string, unknown>,
  line: number,
  options: Pick<ImportOptions, 'textField' | 'idField' | 'meta'>,
  maxDocumentBytes: number,
): { document: NormalizedDocument } | { error: string } {
  const text = getPath(record, options.textField);
  if (text === undefined || text === null) return { error: `missing text field "${options.textField}"` };
  if (typeof text !== 'string') return { error: `text field "${options.textField}" must be a string, got ${typeName(text)}` };
  if (!text.trim()) return { error: `text field "${options.textField}" is empty` };
  const unstorable = unstorableString(text, `text field "${options.textField}"`);
  if (unstorable) return { error: unstorable };

  let externalId = `line-${line}`;
  if (options.idField) {
    const id = getPath(record, options.idField);
    if (typeof id === 'string' && id) externalId = id;
    else if (typeof id === 'number' && Number.isFinite(id)) externalId = String(id);
    else if (id === undefined || id === null || id === '') return { error: `missing id field "${options.idField}"` };
    else return { error: `id field "${options.idField}" must be a string or number, got ${typeName(id)}` };
  }

  const meta = pickMeta(record, options);
  for (const [key, value] of Object.entries(meta)) {
    const problem = unstorableValue(value, `metadata field "${key}"`);
    if (problem) return { error: problem };
  }
  // The whole document counts, since all of it is stored and sent to annotators, not only its text.
  const bytes = Buffer.byteLength(text, 'utf8');
  const size = bytes + Buffer.byteLength(JSON.stringify(meta), 'utf8');
  if (size > maxDocumentBytes) return { error: `document of ${size} bytes (text and metadata) exceeds the limit of ${maxDocumentBytes}` };
  const url = metaString(meta, 'url');
  return {
    document: {
      externalId,
      text,
      contentHash: createHash('sha256').update(text).digest('hex'),
      meta,
      url,
      source: metaString(meta, 'source') ?? metaString(meta, 'domain') ?? hostOf(url),
      lang: metaString(meta, 'lang') ?? metaString(meta, 'language'),
      tokenEstimate: Math.ceil(bytes / BYTES_PER_TOKEN),
    },
  };
}

/**
 * The metadata kept: the fields named (dotted paths, stored at their nesting, so `metadata.url` stays
 * `{ metadata: { url } }`), or else everything but the text and the id.
 */
function pickMeta(record: Record<string, unknown>, options: Pick<ImportOptions, 'textField' | 'idField' | 'meta'>) {
  const meta: Record<string, unknown> = {};
  if (options.meta) {
    for (const path of options.meta) {
      const value = getPath(record, path);
      if (isKept(value)) setPath(meta, pathSegments(record, path), value);
    }
    return meta;
  }
  let rest = withoutPath(record, pathSegments(record, options.textField));
  if (options.idField) rest = withoutPath(rest, pathSegments(rest, options.idField));
  for (const [key, value] of Object.entries(rest)) if (isKept(value)) meta[key] = value;
  return meta;
}

function isKept(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

/**
 * A well-known metadata string (url, source, lang) at the top or one level down, where shipped corpora put it
 * (Dolma's `metadata.url`).
 */
function metaString(meta: Record<string, unknown>, name: string): string | null {
  const top = stringOrNull(meta[name]);
  if (top) return top;
  for (const value of Object.values(meta)) {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const inner = stringOrNull((value as Record<string, unknown>)[name]);
      if (inner) return inner;
    }
  }
  return null;
}

/** PostgreSQL text and jsonb cannot hold U+0000, and an unpaired surrogate has no UTF-8 form. */
function unstorableString(value: string, where: string): string | undefined {
  if (value.includes('\u0000')) return `${where} contains a NUL character (U+0000), which cannot be stored`;
  if (/\p{Cs}/u.test(value)) return `${where} contains an unpaired UTF-16 surrogate, which is not valid Unicode`;
  return undefined;
}

function unstorableValue(value: unknown, where: string): string | undefined {
  if (typeof value === 'string') return unstorableString(value, where);
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const problem = unstorableString(key, where) ?? unstorableValue(inner, where);
    if (problem) return problem;
  }
  return undefined;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value ? value : null;
}

function hostOf(url: string | null): string | null {
  if (!url) return null;
  try {
    return new URL(url).hostname || null;
  } catch {
    return null;
  }
}

function typeName(value: unknown): string {
  return Array.isArray(value) ? 'array' : typeof value;
}

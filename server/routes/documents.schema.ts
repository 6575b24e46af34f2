import { z } from 'zod';
import { projectParams } from './projects.schema.ts';

/** A metadata key segment: what import field names look like, nothing an operator or quote could hide in. */
const metaSegment = z.string().regex(/^[\p{L}\p{N}_-]{1,64}$/u, 'a metadata path is dot-separated names of letters, digits, _ or -');

/** One `meta.<path>=value` filter: equality of the text at a (possibly nested) path of the document's meta. */
const metaFilter = z.object({
  path: z.array(metaSegment).min(1).max(5),
  value: z.string().max(200),
});

export type MetaFilter = z.infer<typeof metaFilter>;

const META_PREFIX = 'meta.';

/**
 * Moves the query string's `meta.<path>=value` pairs into one `meta` list, so the object schema below can bound
 * them like any other field (Express 5's simple parser leaves dotted keys as they are).
 */
function collectMetaFilters(raw: unknown): unknown {
  if (raw === null || typeof raw !== 'object') return raw;
  const rest: Record<string, unknown> = {};
  const meta: { path: string[]; value: unknown }[] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (key.startsWith(META_PREFIX)) meta.push({ path: key.slice(META_PREFIX.length).split('.'), value });
    else rest[key] = value;
  }
  return { ...rest, meta };
}

const optionalText = z.string().trim().min(1).max(200).optional();

/** A page of a project's documents: keyset cursor, free-text search and exact filters on source, lang and meta. */
export const listDocumentsQuery = z.preprocess(
  collectMetaFilters,
  z.object({
    after: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    search: z.string().max(200).optional(),
    source: optionalText,
    lang: optionalText,
    meta: z.array(metaFilter).max(5, 'at most 5 metadata filters').default([]),
  }),
);

export type ListDocumentsQuery = z.infer<typeof listDocumentsQuery>;

export const documentParams = projectParams.extend({ documentId: z.coerce.number().int().positive() });

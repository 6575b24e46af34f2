import { z } from 'zod';
import { listDocumentsQuery } from './documents.schema.ts';

/** Archive (true) or restore (false): the body must say which, so an empty request changes nothing. */
export const archiveBody = z.object({ archived: z.boolean() });

/**
 * A delete must be confirmed in the request itself (`confirm: true`), and says what to do if the thing holds
 * judgments: refuse (409 with the counts, the default) or archive it instead.
 */
export const deleteBody = z.object({
  confirm: z.literal(true, 'confirm: send confirm: true to delete'),
  whenLabeled: z.enum(['refuse', 'archive']).default('refuse'),
});

/** The document list's filters (search, source, lang, meta paths) as a JSON body. */
const documentFilter = z.preprocess(
  (raw) => (raw && typeof raw === 'object' ? raw : {}),
  listDocumentsQuery.transform(({ search, source, lang, meta }) => ({ search, source, lang, meta })),
);

/**
 * Which documents to delete: explicit ids, or every document the filters match (at least one filter, so an empty
 * filter cannot empty a project by accident). Either way only documents in no batch go.
 */
export const deleteDocumentsBody = z.union([
  z.object({ documentIds: z.array(z.number().int().positive()).min(1).max(10_000) }).strict(),
  z
    .object({ filter: documentFilter, confirm: z.literal(true, 'confirm: send confirm: true to delete by filter') })
    .strict()
    .refine((b) => Boolean(b.filter.search || b.filter.source || b.filter.lang || b.filter.meta.length), {
      message: 'filter: name at least one of search, source, lang or meta',
      path: ['filter'],
    }),
]);

/** `?archived=include` lists archived projects or batches too (hidden by default). */
export const listArchivedQuery = z.object({ archived: z.enum(['hide', 'include']).default('hide') });

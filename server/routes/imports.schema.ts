import { z } from 'zod';
import { importOptionsSchema } from '../import/import-options.ts';

/** The most of a file a preview reads: the head of a large file, or a small file whole. */
export const PREVIEW_MAX_BYTES = 1024 * 1024;

export const previewImportQuery = importOptionsSchema.extend({
  /** The body is the head of a larger file (its last record may be cut), not the whole file. */
  partial: z.stringbool().default(false),
  /** Records to show. */
  limit: z.coerce.number().int().min(1).max(50).default(5),
});

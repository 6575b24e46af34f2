import { z } from 'zod';

const fieldList = z
  .string()
  .transform((s) => s.split(',').map((f) => f.trim()).filter(Boolean));

/** How a corpus file maps onto documents; shared by the HTTP API (query string) and the CLI. */
export const importOptionsSchema = z.object({
  filename: z.string().min(1).max(500),
  format: z.enum(['jsonl', 'csv', 'parquet']).optional(),
  textField: z.string().min(1).default('text'),
  idField: z.string().min(1).optional(),
  /** Comma-separated metadata fields to keep; all other fields are kept when absent. */
  meta: fieldList.optional(),
  /** Bad records tolerated before the whole import is refused (0: any bad record refuses it). */
  maxErrors: z.coerce.number().int().min(0).default(0),
});

export type ImportOptions = z.infer<typeof importOptionsSchema>;
export type ImportFormat = NonNullable<ImportOptions['format']>;

/** The format named by the options, or else by the file's extension. */
export function resolveFormat(options: Pick<ImportOptions, 'format' | 'filename'>): ImportFormat | undefined {
  if (options.format) return options.format;
  const ext = /\.([a-z]+)(?:\.gz)?$/i.exec(options.filename)?.[1]?.toLowerCase();
  // A .json file is read as JSON Lines: one object in it is one document (an array is reported with a hint).
  if (ext === 'jsonl' || ext === 'ndjson' || ext === 'json') return 'jsonl';
  if (ext === 'csv') return 'csv';
  if (ext === 'parquet' || ext === 'pq') return 'parquet';
  return undefined;
}

import { z } from 'zod';
import { imports } from '../db/schema.ts';

const fieldList = z.string().transform((s) =>
  s
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean),
);

/** How a corpus file maps onto documents; shared by the HTTP API (query string) and the CLI. */
export const importOptionsSchema = z.object({
  filename: z.string().min(1).max(500),
  format: z.enum(imports.format.enumValues).optional(),
  textField: z.string().min(1).default('text'),
  idField: z.string().min(1).optional(),
  /** Comma-separated metadata fields to keep (dotted paths reach nested ones); all other fields are kept when absent. */
  meta: fieldList.optional(),
  /** Bad records tolerated before the whole import is refused (0: any bad record refuses it). */
  maxErrors: z.coerce.number().int().min(0).default(0),
});

export type ImportOptions = z.infer<typeof importOptionsSchema>;
export type ImportFormat = NonNullable<ImportOptions['format']>;

/** The format named by the options, or else by the file's extension (a `.gz` after it is looked through). */
export function resolveFormat(options: Pick<ImportOptions, 'format' | 'filename'>): ImportFormat | undefined {
  if (options.format) return options.format;
  const ext = /\.([a-z]+)(?:\.gz)?$/i.exec(options.filename)?.[1]?.toLowerCase();
  if (ext === 'jsonl' || ext === 'ndjson') return 'jsonl';
  if (ext === 'json') return 'json';
  if (ext === 'csv') return 'csv';
  if (ext === 'parquet' || ext === 'pq') return 'parquet';
  return undefined;
}

/** One leaf of a document's metadata: its dotted path (as the list's `meta.<path>` filter takes it) and its text. */
export interface MetadataLine {
  path: string;
  value: string;
}

/**
 * A document's metadata flattened to path/value lines, nested objects walked into (`metadata.url`), so every value
 * can be shown as text and filtered on by the path shown beside it. Arrays stay one line, as JSON.
 */
export function metadataLines(meta: unknown, prefix = ''): MetadataLine[] {
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) return prefix ? [{ path: prefix, value: textOf(meta) }] : [];
  return Object.entries(meta).flatMap(([key, value]) => metadataLines(value, prefix ? `${prefix}.${key}` : key));
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

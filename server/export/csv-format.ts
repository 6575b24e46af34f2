/** Formats one CSV field (RFC 4180): quoted when it holds a comma, quote or line break; objects as JSON. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line of fields, with its line break. */
export function csvLine(values: unknown[]): string {
  return values.map(csvField).join(',') + '\n';
}

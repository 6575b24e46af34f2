/** One CSV record per line (RFC 4180 quoting, no embedded newlines), for streaming readers and writers. */

/** Splits one CSV line into fields; `"` quotes a field and `""` inside quotes is a literal quote. */
export function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch !== '"') field += ch;
      else if (line[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch !== '\r' || i !== line.length - 1) field += ch;
  }
  if (quoted) throw new SyntaxError('unterminated quoted field');
  fields.push(field);
  return fields;
}

/** Quotes a field when it holds a comma, quote or line break. */
export function formatCsvField(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV line (without the newline). */
export function formatCsvLine(values: readonly (string | number)[]): string {
  return values.map(formatCsvField).join(',');
}

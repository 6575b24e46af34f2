/** Shortens text for a table cell; the full text stays available in the expanded row. */
export function truncate(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** A count with thousands separators. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** A date-time in the reader's locale. */
export function when(value: string | Date | null): string {
  return value ? new Date(value).toLocaleString() : '—';
}

/** The word with its first letter in capitals, for headings made from a channel's vocabulary. */
export function capitalized(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

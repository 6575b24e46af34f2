/**
 * Levenshtein distance (insert, delete, substitute; each costs 1) over UTF-16 code units, keeping one row
 * of the DP table for the shorter string: O(n·m) time, O(min(n, m)) space.
 */
export function levenshtein(a: string, b: string): number {
  if (a.length < b.length) [a, b] = [b, a];
  // Common prefix and suffix never change the distance and are the bulk of a light edit.
  let startOffset = 0;
  while (startOffset < b.length && a.charCodeAt(startOffset) === b.charCodeAt(startOffset)) startOffset++;
  let endA = a.length;
  let endB = b.length;
  while (endB > startOffset && a.charCodeAt(endA - 1) === b.charCodeAt(endB - 1)) {
    endA--;
    endB--;
  }
  const m = endB - startOffset;
  if (m === 0) return endA - startOffset;
  const row = new Uint32Array(m + 1);
  for (let k = 0; k <= m; k++) row[k] = k;
  for (let i = startOffset; i < endA; i++) {
    let diagonal = row[0];
    row[0] = i - startOffset + 1;
    const ch = a.charCodeAt(i);
    for (let k = 1; k <= m; k++) {
      const above = row[k];
      const substitute = diagonal + (ch === b.charCodeAt(startOffset + k - 1) ? 0 : 1);
      row[k] = Math.min(substitute, above + 1, row[k - 1] + 1);
      diagonal = above;
    }
  }
  return row[m];
}

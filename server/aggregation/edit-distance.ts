/**
 * Levenshtein distance (insert, delete, substitute; each costs 1) over Unicode code points, so an emoji or an
 * accented letter counts as one edit. One row of the DP table for the shorter string: O(n·m) time,
 * O(min(n, m)) space. Shared by the engine's edit statistics and the synthetic-review export.
 */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  let long = codePoints(a);
  let short = codePoints(b);
  if (long.length < short.length) [long, short] = [short, long];
  // Common prefix and suffix never change the distance and are the bulk of a light edit.
  let start = 0;
  while (start < short.length && long[start] === short[start]) start++;
  let endLong = long.length;
  let endShort = short.length;
  while (endShort > start && long[endLong - 1] === short[endShort - 1]) {
    endLong--;
    endShort--;
  }
  const m = endShort - start;
  if (m === 0) return endLong - start;
  const row = new Uint32Array(m + 1);
  for (let k = 0; k <= m; k++) row[k] = k;
  for (let i = start; i < endLong; i++) {
    let diagonal = row[0];
    row[0] = i - start + 1;
    const ch = long[i];
    for (let k = 1; k <= m; k++) {
      const above = row[k];
      const substitute = diagonal + (ch === short[start + k - 1] ? 0 : 1);
      row[k] = Math.min(substitute, above + 1, row[k - 1] + 1);
      diagonal = above;
    }
  }
  return row[m];
}

function codePoints(text: string): Int32Array {
  const out = new Int32Array(text.length);
  let n = 0;
  for (const ch of text) out[n++] = ch.codePointAt(0)!;
  return out.subarray(0, n);
}

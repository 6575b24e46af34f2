/**
 * Levenshtein distance over Unicode code points (so an emoji counts as one edit), keeping one row of the
 * table sized by the shorter string: O(min(n, m)) memory, O(n·m) time.
 */
export function editDistance(a: string, b: string): number {
  const [long, short] = toLongShort(Array.from(a), Array.from(b));
  if (short.length === 0) return long.length;
  const row = new Uint32Array(short.length + 1);
  for (let j = 0; j <= short.length; j++) row[j] = j;
  for (let i = 1; i <= long.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= short.length; j++) {
      const above = row[j];
      const substitution = diagonal + (long[i - 1] === short[j - 1] ? 0 : 1);
      row[j] = Math.min(above + 1, row[j - 1] + 1, substitution);
      diagonal = above;
    }
  }
  return row[short.length];
}

/** Edit distance divided by the longer length: 0 = identical, 1 = nothing in common. */
export function normalizedEditDistance(a: string, b: string): number {
  const longest = Math.max(Array.from(a).length, Array.from(b).length);
  return longest === 0 ? 0 : editDistance(a, b) / longest;
}

function toLongShort(a: string[], b: string[]): [string[], string[]] {
  return a.length >= b.length ? [a, b] : [b, a];
}

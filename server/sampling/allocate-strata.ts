/**
 * How many documents to draw from each stratum so a sample follows target proportions (largest-remainder
 * rounding) without asking any stratum for more than it holds: a shortfall is handed to the strata that still have
 * documents, in proportion to their targets. Pure and deterministic (ties break by stratum name).
 */
export function allocateStrata(size: number, strata: { key: string; available: number; weight: number }[]): Map<string, number> {
  const result = new Map(strata.map((s) => [s.key, 0]));
  let remaining = Math.min(
    size,
    strata.reduce((sum, s) => sum + s.available, 0),
  );
  let open = strata.filter((s) => s.available > 0 && s.weight > 0);
  while (remaining > 0 && open.length) {
    const totalWeight = open.reduce((sum, s) => sum + s.weight, 0);
    const shares = open.map((s) => {
      const exact = (remaining * s.weight) / totalWeight;
      const room = s.available - result.get(s.key)!;
      return { s, exact, take: Math.min(Math.floor(exact), room), room };
    });
    let given = shares.reduce((sum, x) => sum + x.take, 0);
    // Hand out the rounding remainder by largest fractional part, among strata with room left.
    const byRemainder = shares
      .filter((x) => x.take < x.room)
      .sort((a, b) => b.exact - Math.floor(b.exact) - (a.exact - Math.floor(a.exact)) || a.s.key.localeCompare(b.s.key));
    for (const x of byRemainder) {
      if (given >= remaining) break;
      if (x.exact - x.take > 0) {
        x.take++;
        given++;
      }
    }
    if (given === 0) {
      // Every share rounded to zero: give one each to the heaviest strata until done.
      for (const x of [...shares].sort((a, b) => b.s.weight - a.s.weight || a.s.key.localeCompare(b.s.key))) {
        if (given >= remaining) break;
        if (x.take < x.room) {
          x.take++;
          given++;
        }
      }
    }
    for (const x of shares) result.set(x.s.key, result.get(x.s.key)! + x.take);
    remaining -= given;
    open = open.filter((s) => result.get(s.key)! < s.available);
  }
  return result;
}

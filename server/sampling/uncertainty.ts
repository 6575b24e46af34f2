/**
 * How unsure the classifier is of a document, from its class probabilities. `margin` (the default) is one minus the
 * gap between the two most likely classes: it looks at the one decision that would flip, which on an ordinal 0-5
 * scale is the boundary the document sits on. `entropy` spreads over every class, so on six classes it also rewards
 * mass on far-away scores. On fineweb_legal the two gave the same learning curve to within 0.01 Spearman at every
 * round (scripts/bench/learning-curve.ts); margin stays the default for saying which call is close.
 */
export const UNCERTAINTY_MEASURES = ['margin', 'entropy'] as const;
export type UncertaintyMeasure = (typeof UNCERTAINTY_MEASURES)[number];

/** Higher is less sure: margin 0..1, entropy 0..ln(classes). */
export function uncertaintyOf(probabilities: ArrayLike<number>, measure: UncertaintyMeasure): number {
  if (measure === 'entropy') {
    let h = 0;
    for (let i = 0; i < probabilities.length; i++) {
      const p = probabilities[i];
      if (p > 0) h -= p * Math.log(p);
    }
    return h;
  }
  let first = -Infinity;
  let second = -Infinity;
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i];
    if (p > first) [first, second] = [p, first];
    else if (p > second) second = p;
  }
  // A one-class model is never unsure.
  return second === -Infinity ? 0 : 1 - (first - second);
}

/** A scored document the sampler may draw: its id, its diversity stratum (the source) and class probabilities. */
export interface ScoredCandidate {
  id: number;
  stratum: string;
  probabilities: ArrayLike<number>;
}

/**
 * Each stratum's share of the batch, in proportion to its candidates: at least the floor of its exact share, at most
 * the ceiling. Which strata get the rounding's extra seats is left to the picker, which gives them to the most
 * uncertain documents: allocateStrata's largest-remainder rounding would give them by name when shares tie, and
 * with a source per web domain (fineweb_legal: 2,384 domains for 2,800 pages) nearly every share is a tied 0.1.
 */
export function allocateUncertain(size: number, candidatesByStratum: { key: string; n: number }[]): Map<string, { min: number; max: number }> {
  const total = candidatesByStratum.reduce((sum, c) => sum + c.n, 0);
  const take = Math.min(size, total);
  return new Map(
    candidatesByStratum.map((c) => {
      const exact = total ? (take * c.n) / total : 0;
      // Within 1e-9 of an integer is that integer: shares that should sum exactly must not each round up.
      const near = Math.round(exact);
      const [min, max] = Math.abs(exact - near) < 1e-9 ? [near, near] : [Math.floor(exact), Math.ceil(exact)];
      return [c.key, { min, max }];
    }),
  );
}

interface Ranked {
  id: number;
  u: number;
}
/** Most unsure first; equal ones by id, so a draw is reproducible whatever order the rows arrive in. */
const byUncertainty = (a: Ranked, b: Ranked) => b.u - a.u || a.id - b.id;

/**
 * Keeps, for each stratum, the `max` most uncertain candidates seen so far. Fed page by page from a cursor, it
 * holds at most about twice the batch size (a stratum's list is cut back to its quota whenever it doubles), whatever
 * the corpus size.
 */
export class UncertainPicker {
  private readonly kept = new Map<string, Ranked[]>();

  constructor(
    private readonly allocation: ReadonlyMap<string, { min: number; max: number }>,
    private readonly measure: UncertaintyMeasure,
    private readonly size: number,
  ) {}

  add(candidates: Iterable<ScoredCandidate>): void {
    for (const c of candidates) {
      const quota = this.allocation.get(c.stratum)?.max ?? 0;
      if (quota <= 0) continue;
      let list = this.kept.get(c.stratum);
      if (!list) this.kept.set(c.stratum, (list = []));
      list.push({ id: c.id, u: uncertaintyOf(c.probabilities, this.measure) });
      if (list.length >= 2 * quota) {
        list.sort(byUncertainty);
        list.length = quota;
      }
    }
  }

  /**
   * The picked ids, most uncertain first within each stratum (strata in name order): every stratum's `min` most
   * uncertain, then the seats left go to the most uncertain of the documents that would take a stratum up to its
   * `max`; and how many each stratum gave.
   */
  picked(): { ids: number[]; byStratum: Map<string, number> } {
    const strata = [...this.kept.keys()].sort();
    const taken = new Map<string, number>();
    const extra: (Ranked & { stratum: string })[] = [];
    let seats = this.size;
    for (const stratum of strata) {
      const list = this.kept.get(stratum)!.sort(byUncertainty);
      const { min, max } = this.allocation.get(stratum)!;
      taken.set(stratum, Math.min(min, list.length));
      seats -= taken.get(stratum)!;
      for (const r of list.slice(min, max)) extra.push({ ...r, stratum });
    }
    for (const r of extra.sort(byUncertainty).slice(0, Math.max(0, seats))) taken.set(r.stratum, taken.get(r.stratum)! + 1);
    const ids: number[] = [];
    const byStratum = new Map<string, number>();
    for (const stratum of strata) {
      const n = taken.get(stratum)!;
      if (n > 0) byStratum.set(stratum, n);
      ids.push(
        ...this.kept
          .get(stratum)!
          .slice(0, n)
          .map((r) => r.id),
      );
    }
    return { ids, byStratum };
  }
}

/** In memory: the `size` documents to label next, spread over strata in proportion, least certain within each. */
export function pickUncertain(candidates: readonly ScoredCandidate[], size: number, measure: UncertaintyMeasure = 'margin'): number[] {
  const counts = new Map<string, number>();
  for (const c of candidates) counts.set(c.stratum, (counts.get(c.stratum) ?? 0) + 1);
  const picker = new UncertainPicker(
    allocateUncertain(
      size,
      [...counts].map(([key, n]) => ({ key, n })),
    ),
    measure,
    size,
  );
  picker.add(candidates);
  return picker.picked().ids;
}

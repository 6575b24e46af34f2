import { allocateStrata } from './allocate-strata.ts';

/**
 * How unsure the classifier is of a document, from its class probabilities. `margin` (the default) is one minus the
 * gap between the two most likely classes: it looks at the one decision that would flip, which on an ordinal 0-5
 * scale is the boundary the document sits on, and it is the measure the learning-curve bench favours on
 * fineweb_legal (scripts/bench/learning-curve.ts). `entropy` spreads over every class, so on six classes it also
 * rewards mass on far-away scores a keep/drop decision does not care about; it is offered for comparison.
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
 * How many documents each stratum gives: in proportion to its candidates, so the batch spreads over sources as the
 * pool does instead of piling into the one source the classifier knows least.
 */
export function allocateUncertain(size: number, candidatesByStratum: { key: string; n: number }[]): Map<string, number> {
  return allocateStrata(
    size,
    candidatesByStratum.map((c) => ({ key: c.key, available: c.n, weight: c.n })),
  );
}

interface Ranked {
  id: number;
  u: number;
}
/** Most unsure first; equal ones by id, so a draw is reproducible whatever order the rows arrive in. */
const byUncertainty = (a: Ranked, b: Ranked) => b.u - a.u || a.id - b.id;

/**
 * Keeps, for each stratum, the `allocation` most uncertain candidates seen so far. Fed page by page from a cursor,
 * it holds at most twice the batch size (a stratum's list is cut back to its quota whenever it doubles), whatever
 * the corpus size.
 */
export class UncertainPicker {
  private readonly kept = new Map<string, Ranked[]>();

  constructor(
    private readonly allocation: ReadonlyMap<string, number>,
    private readonly measure: UncertaintyMeasure,
  ) {}

  add(candidates: Iterable<ScoredCandidate>): void {
    for (const c of candidates) {
      const quota = this.allocation.get(c.stratum) ?? 0;
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

  /** The picked ids, stratum by stratum (in stratum name order), most uncertain first within each. */
  picked(): number[] {
    const out: number[] = [];
    for (const stratum of [...this.kept.keys()].sort()) {
      const list = this.kept.get(stratum)!.sort(byUncertainty);
      out.push(...list.slice(0, this.allocation.get(stratum)).map((r) => r.id));
    }
    return out;
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
  );
  picker.add(candidates);
  return picker.picked();
}

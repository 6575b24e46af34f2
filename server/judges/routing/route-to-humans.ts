/**
 * Which judged documents go to humans under a budget of human judgments per 1,000 documents: the ones the judges
 * are least sure of or disagree on, spread across sources so none is left uncalibrated; every other document keeps
 * the judges' calibrated result. Pure and deterministic.
 */
import { allocateStrata } from '../../sampling/allocate-strata.ts';

/** One judged document as the aggregation including the judges sees it. */
export interface RoutingCandidate {
  documentId: number;
  source: string | null;
  /** The calibrated confidence of the aggregated result (0..1); NaN counts as 0. */
  confidence: number;
  /** The judges gave different answers. */
  judgesDisagree: boolean;
  /** Pairwise: a judge's two orders disagreed. */
  orderDisagreement: boolean;
}

export interface RoutingBudget {
  /** Human judgments per 1,000 documents. */
  budgetPer1000: number;
  /** Judgments each routed document gets (the batch's redundancy), all counted against the budget. */
  judgmentsPerItem: number;
  /** Documents the budget is counted over; default: the candidates. */
  documents?: number;
}

export interface RoutingPlan {
  /** Routed documents, most doubtful first. */
  documentIds: number[];
  /** Human judgments the budget allows (floor of budgetPer1000 × documents / 1,000). */
  budget: number;
  /** Human judgments the routed documents take: routed × judgmentsPerItem, never above the budget. */
  humanJudgments: number;
  /** Documents that keep the judges' result. */
  kept: number;
  /** Routed documents per source ('' for none). */
  bySource: Record<string, number>;
}

/** How doubtful a candidate is: each kind of disagreement counts as a fully uncertain result on top of 1 - confidence. */
export function doubt(c: RoutingCandidate): number {
  const confidence = Number.isFinite(c.confidence) ? Math.min(1, Math.max(0, c.confidence)) : 0;
  return 1 - confidence + (c.judgesDisagree ? 1 : 0) + (c.orderDisagreement ? 1 : 0);
}

/** Most doubtful first; ties by document id, so the same inputs always give the same plan. */
const byDoubt = (a: RoutingCandidate, b: RoutingCandidate) => doubt(b) - doubt(a) || a.documentId - b.documentId;

/**
 * Plans the routing. The routed count is split across sources in proportion to each source's total doubt (its
 * expected number of judge errors, largest-remainder rounding), so a source where the judges are sure gives few
 * documents and one where they are unsure gives many, yet a source is never skipped merely because another is worse;
 * within a source the most doubtful go first. A source whose documents are all certain gets none.
 */
export function routeToHumans(candidates: RoutingCandidate[], budget: RoutingBudget): RoutingPlan {
  const documents = budget.documents ?? candidates.length;
  const allowed = Math.floor((Math.max(0, budget.budgetPer1000) * documents) / 1000 + 1e-9);
  const k = Math.max(1, Math.floor(budget.judgmentsPerItem));
  const wanted = Math.min(Math.floor(allowed / k), candidates.length);
  const groups = new Map<string, RoutingCandidate[]>();
  for (const c of candidates) {
    const key = c.source ?? '';
    (groups.get(key) ?? groups.set(key, []).get(key)!).push(c);
  }
  for (const list of groups.values()) list.sort(byDoubt);
  const strata = [...groups].map(([key, list]) => ({ key, available: list.length, weight: list.reduce((sum, c) => sum + doubt(c), 0) }));
  let allocation = allocateStrata(wanted, strata);
  // Every candidate certain (zero doubt everywhere) still spends the budget, spread by source size.
  if (sumOf(allocation) < wanted)
    allocation = allocateStrata(
      wanted,
      strata.map((s) => ({ ...s, weight: s.weight || 1e-12 * s.available })),
    );
  const routed = [...groups].flatMap(([key, list]) => list.slice(0, allocation.get(key) ?? 0)).sort(byDoubt);
  const bySource: Record<string, number> = {};
  for (const [key, n] of allocation) if (n > 0) bySource[key] = n;
  return {
    documentIds: routed.map((c) => c.documentId),
    budget: allowed,
    humanJudgments: routed.length * k,
    kept: candidates.length - routed.length,
    bySource,
  };
}

function sumOf(m: Map<string, number>) {
  let sum = 0;
  for (const n of m.values()) sum += n;
  return sum;
}

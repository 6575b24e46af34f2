/**
 * What a routing budget saves and costs, measured on the documents humans labelled (the held-out reference): route
 * them as if unlabelled (the judges' calibrated posterior, cross-fitted so no document's own human label teaches the
 * model that judges it), then compare the budgeted result (human labels where routed, the judges' result elsewhere)
 * with the human labels. An all-human result agrees with them by definition, at k judgments per document; the gap
 * is what the budget cost, the judgments not asked for what it saved.
 */
import { cohenKappaFromTable } from '../../aggregation/cohen-kappa.ts';
import { judgePosteriorModel, mapClass } from './judge-posterior.ts';
import { routeToHumans } from './route-to-humans.ts';

/** A document with a human consensus and the judges' answers on it. */
export interface HeldOutDocument {
  documentId: number;
  source: string | null;
  humanCode: number;
  answers: { judgeKey: string; code: number; orderDisagreement: boolean }[];
}

export interface BudgetEvaluation {
  documents: number;
  budgetPer1000: number;
  judgmentsPerItem: number;
  /** Human judgments an all-human result takes (k per document). */
  allHumanJudgments: number;
  /** Human judgments the budget spends. */
  budgetedJudgments: number;
  /** Share of the all-human judgments not needed. */
  workSaved: number | null;
  routed: number;
  /** Agreement of the budgeted result with the held-out human labels (all-human: 1). */
  agreement: number | null;
  kappa: number | null;
  /** The judges' result alone (budget 0), for scale. */
  judgesOnlyAgreement: number | null;
}

/** Evaluates a budget on the held-out documents (two folds by document id). */
export function evaluateBudget(
  docs: HeldOutDocument[],
  nClasses: number,
  budget: { budgetPer1000: number; judgmentsPerItem: number },
): BudgetEvaluation {
  const K = nClasses;
  const folds = [0, 1].map((f) => docs.filter((d) => d.documentId % 2 === f));
  const judged = new Map<number, { code: number; confidence: number }>();
  for (let f = 0; f < 2; f++) {
    const model = judgePosteriorModel(confusionsOf(folds[1 - f], K), K);
    for (const d of folds[f]) judged.set(d.documentId, mapClass(model(d.answers)));
  }
  const plan = routeToHumans(
    docs.map((d) => ({
      documentId: d.documentId,
      source: d.source,
      confidence: judged.get(d.documentId)!.confidence,
      judgesDisagree: new Set(d.answers.map((a) => a.code)).size > 1,
      orderDisagreement: d.answers.some((a) => a.orderDisagreement),
    })),
    budget,
  );
  const routed = new Set(plan.documentIds);
  const table = new Float64Array(K * K);
  let agree = 0;
  let judgesAgree = 0;
  for (const d of docs) {
    const judges = judged.get(d.documentId)!.code;
    const result = routed.has(d.documentId) ? d.humanCode : judges;
    table[d.humanCode * K + result]++;
    if (result === d.humanCode) agree++;
    if (judges === d.humanCode) judgesAgree++;
  }
  const n = docs.length;
  const allHuman = n * budget.judgmentsPerItem;
  const kappa = n ? cohenKappaFromTable(table, K) : NaN;
  return {
    documents: n,
    budgetPer1000: budget.budgetPer1000,
    judgmentsPerItem: budget.judgmentsPerItem,
    allHumanJudgments: allHuman,
    budgetedJudgments: plan.humanJudgments,
    workSaved: allHuman ? 1 - plan.humanJudgments / allHuman : null,
    routed: plan.documentIds.length,
    agreement: n ? agree / n : null,
    kappa: Number.isFinite(kappa) ? kappa : null,
    judgesOnlyAgreement: n ? judgesAgree / n : null,
  };
}

/** Each judge's confusion counts over some held-out documents. */
export function confusionsOf(docs: HeldOutDocument[], K: number) {
  const byJudge = new Map<string, number[][]>();
  for (const d of docs) {
    for (const a of d.answers) {
      let counts = byJudge.get(a.judgeKey);
      if (!counts) byJudge.set(a.judgeKey, (counts = Array.from({ length: K }, () => new Array<number>(K).fill(0))));
      if (a.code >= 0 && a.code < K) counts[d.humanCode][a.code]++;
    }
  }
  return [...byJudge].map(([judgeKey, counts]) => ({ judgeKey, counts }));
}

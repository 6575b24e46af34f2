import { describe, expect, it } from 'vitest';
import { routeToHumans, type RoutingCandidate } from '../../../server/judges/routing/route-to-humans.ts';
import { seededRandom } from '../../../server/aggregation/random.ts';
import { judgePosteriorModel, mapClass } from '../../../server/judges/routing/judge-posterior.ts';
import { confusionsOf, evaluateBudget, type HeldOutDocument } from '../../../server/judges/routing/budget-evaluation.ts';

const candidate = (documentId: number, confidence: number, extra: Partial<RoutingCandidate> = {}): RoutingCandidate => ({
  documentId,
  source: 'web',
  confidence,
  judgesDisagree: false,
  orderDisagreement: false,
  ...extra,
});

describe('routing judged documents to humans under a budget', () => {
  it('spends the budget exactly: floor(budget / k) documents of k judgments, never more', () => {
    const random = seededRandom(3);
    const docs = Array.from({ length: 10_000 }, (_, i) => candidate(i + 1, random()));
    for (const [per1000, k, routed] of [
      [50, 3, 166], // 500 judgments: 166 documents take 498
      [30, 1, 300],
      [2, 5, 4],
      [0, 3, 0],
      [100, 1, 1000],
      [1000, 2, 5000],
    ]) {
      const plan = routeToHumans(docs, { budgetPer1000: per1000, judgmentsPerItem: k });
      expect(plan.budget).toBe(per1000 * 10);
      expect(plan.documentIds).toHaveLength(routed);
      expect(plan.humanJudgments).toBe(routed * k);
      expect(plan.humanJudgments).toBeLessThanOrEqual(plan.budget);
      expect(plan.budget - plan.humanJudgments).toBeLessThan(k);
      expect(plan.kept).toBe(10_000 - routed);
      expect(new Set(plan.documentIds).size).toBe(routed);
    }
  });

  it('counts the budget over the documents given, and routes no more documents than there are', () => {
    const docs = [candidate(1, 0.2), candidate(2, 0.9)];
    expect(routeToHumans(docs, { budgetPer1000: 10, judgmentsPerItem: 1, documents: 300 }).documentIds).toEqual([1, 2]);
    const all = routeToHumans(docs, { budgetPer1000: 5000, judgmentsPerItem: 1 });
    expect(all.documentIds).toEqual([1, 2]);
    expect(all.humanJudgments).toBe(2);
  });

  it('routes disagreements first, then the least confident; ties go to the lower document id', () => {
    const docs = [
      candidate(1, 0.95),
      candidate(2, 0.4),
      candidate(3, 0.99, { judgesDisagree: true }),
      candidate(4, 0.9, { orderDisagreement: true, judgesDisagree: true }),
      candidate(5, 0.4),
      candidate(6, Number.NaN),
      candidate(7, 0.7),
    ];
    const plan = routeToHumans(docs, { budgetPer1000: 1000, judgmentsPerItem: 1, documents: 5 });
    expect(plan.documentIds).toEqual([4, 3, 6, 2, 5]);
    // The same inputs in another order give the same plan.
    expect(routeToHumans([...docs].reverse(), { budgetPer1000: 1000, judgmentsPerItem: 1, documents: 5 }).documentIds).toEqual(plan.documentIds);
  });

  it('spreads across sources in proportion to their doubt instead of draining the worst one', () => {
    const docs = [
      ...Array.from({ length: 100 }, (_, i) => candidate(i + 1, 0.2, { source: 'forum' })), // doubt 80
      ...Array.from({ length: 100 }, (_, i) => candidate(i + 101, 0.8, { source: 'web' })), // doubt 20
      ...Array.from({ length: 100 }, (_, i) => candidate(i + 201, 1, { source: null })), // certain
    ];
    const plan = routeToHumans(docs, { budgetPer1000: 100, judgmentsPerItem: 3, documents: 3000 });
    expect(plan.humanJudgments).toBe(300);
    expect(plan.bySource).toEqual({ forum: 80, web: 20 });
    expect(plan.documentIds.slice(0, 80).every((d) => d <= 100)).toBe(true);
  });

  it('still spends the budget when the doubtful sources run out, and when every document is certain', () => {
    const mixed = [candidate(1, 0.1, { source: 'a' }), candidate(2, 1, { source: 'b' }), candidate(3, 1, { source: 'b' })];
    expect(routeToHumans(mixed, { budgetPer1000: 1000, judgmentsPerItem: 1, documents: 2 }).documentIds).toEqual([1, 2]);
    const sure = [
      candidate(1, 1, { source: 'a' }),
      candidate(2, 1, { source: 'b' }),
      candidate(3, 1, { source: 'b' }),
      candidate(4, 1, { source: 'b' }),
    ];
    const plan = routeToHumans(sure, { budgetPer1000: 500, judgmentsPerItem: 1 });
    expect(plan.documentIds).toHaveLength(2);
  });

  it('plans nothing for no candidates or no budget', () => {
    expect(routeToHumans([], { budgetPer1000: 100, judgmentsPerItem: 3 })).toEqual({
      documentIds: [],
      budget: 0,
      humanJudgments: 0,
      kept: 0,
      bySource: {},
    });
    const none = routeToHumans([candidate(1, 0)], { budgetPer1000: 0, judgmentsPerItem: 3 });
    expect(none.documentIds).toEqual([]);
    expect(none.kept).toBe(1);
    // A budget smaller than one document's k judgments routes nothing rather than overspending.
    expect(routeToHumans([candidate(1, 0), candidate(2, 0)], { budgetPer1000: 1000, judgmentsPerItem: 3 }).documentIds).toEqual([]);
  });
});

describe('the judges’ posterior and what a budget saves and costs', () => {
  // Two judges: one right 90% of the time, one 70%, on three classes; humans are the reference.
  const random = seededRandom(21);
  const answer = (truth: number, accuracy: number) => (random() < accuracy ? truth : (truth + 1 + Math.floor(random() * 2)) % 3);
  const docs: HeldOutDocument[] = Array.from({ length: 2000 }, (_, i) => {
    const humanCode = Math.floor(random() * 3);
    return {
      documentId: i + 1,
      source: i % 2 ? 'web' : 'forum',
      humanCode,
      answers: [
        { judgeKey: 'judge:1', code: answer(humanCode, 0.9), orderDisagreement: false },
        { judgeKey: 'judge:2', code: answer(humanCode, 0.7), orderDisagreement: false },
      ],
    };
  });

  it('learns each judge’s confusion: agreeing judges give a surer posterior than disagreeing ones', () => {
    const model = judgePosteriorModel(confusionsOf(docs, 3), 3);
    const agree = mapClass(
      model([
        { judgeKey: 'judge:1', code: 0 },
        { judgeKey: 'judge:2', code: 0 },
      ]),
    );
    const split = mapClass(
      model([
        { judgeKey: 'judge:1', code: 0 },
        { judgeKey: 'judge:2', code: 1 },
      ]),
    );
    expect(agree.code).toBe(0);
    expect(agree.confidence).toBeGreaterThan(0.95);
    // The better judge wins a split, less surely.
    expect(split.code).toBe(0);
    expect(split.confidence).toBeLessThan(agree.confidence);
    expect(split.confidence).toBeGreaterThan(0.6);
    // An unknown judge adds nothing: the prior.
    expect(mapClass(model([{ judgeKey: 'judge:9', code: 2 }])).confidence).toBeLessThan(0.4);
  });

  it('budget 0 is the judges alone, an all-human budget agrees fully and saves nothing, and more budget agrees more', () => {
    const none = evaluateBudget(docs, 3, { budgetPer1000: 0, judgmentsPerItem: 3 });
    expect(none.budgetedJudgments).toBe(0);
    expect(none.workSaved).toBe(1);
    expect(none.agreement).toBe(none.judgesOnlyAgreement);
    expect(none.agreement!).toBeGreaterThan(0.85);
    expect(none.agreement!).toBeLessThan(0.95);
    const all = evaluateBudget(docs, 3, { budgetPer1000: 3000, judgmentsPerItem: 3 });
    expect(all).toMatchObject({ agreement: 1, workSaved: 0, routed: 2000, allHumanJudgments: 6000, budgetedJudgments: 6000 });
    const some = evaluateBudget(docs, 3, { budgetPer1000: 300, judgmentsPerItem: 3 });
    expect(some.budgetedJudgments).toBe(600);
    expect(some.workSaved).toBeCloseTo(0.9);
    expect(some.agreement!).toBeGreaterThan(none.agreement!);
    // Routing the doubtful 10% fixes far more than 10% of the judges' errors would at random.
    const fixed = (some.agreement! - none.agreement!) / (1 - none.agreement!);
    expect(fixed).toBeGreaterThan(0.2);
  });
});

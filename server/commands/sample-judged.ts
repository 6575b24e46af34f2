/**
 * Human batches drawn from what the LLM judges answered, as sampling strategies of generate-batch: routing under a
 * budget (the documents the judges are least sure of or disagree on) and the blind calibration sample (documents a
 * judge answered, at random, so there is always something to calibrate it on). Humans are served them like any
 * batch, and the presenters show annotators the document only, never a judge's answer.
 */
import type { Project } from '../db/schema.ts';
import type { Tx } from '../db/store.ts';
import { calibrationReport, humanConsensus } from '../judges/report/calibration-report.ts';
import { judgePosteriorModel, mapClass } from '../judges/routing/judge-posterior.ts';
import { routeToHumans, type RoutingPlan } from '../judges/routing/route-to-humans.ts';
import { seededRandom } from '../aggregation/random.ts';
import { aggregateConfidenceByDocument, documentsInBatchesOrGold } from '../db/queries/judge-reports.ts';
import { loadCalibration } from './judge-report.ts';

/** The documents a judge-uncertainty batch takes, most doubtful first, and the plan they came from. */
export async function sampleJudgeUncertain(
  tx: Tx,
  project: Project,
  props: { budgetPer1000: number; redundancy: number; size: number; excludeUsed: boolean },
): Promise<{ documentIds: number[]; allocation: Map<string, number>; plan: RoutingPlan }> {
  const { input, answersByDocument } = await loadCalibration(tx, project);
  const consensus = humanConsensus(input);
  const report = calibrationReport(input, consensus);
  const model = judgePosteriorModel(
    report.judges.map((j) => ({ judgeKey: j.judgeKey, counts: j.confusion })),
    report.classes.length,
  );
  const [taken, stored] = await Promise.all([
    documentsInBatchesOrGold(tx, project.id, props.excludeUsed),
    aggregateConfidenceByDocument(tx, project.id),
  ]);
  const candidates = [...answersByDocument]
    .filter(([documentId]) => !taken.has(documentId))
    .map(([documentId, answers]) => {
      const codes = answers.map((a) => ({ judgeKey: a.judgeKey, code: consensus.toCode(a.value) }));
      return {
        documentId,
        source: input.sources.get(documentId) ?? null,
        // A document already aggregated (in an item) has the aggregation's calibrated confidence; else the judges' posterior.
        confidence: stored.get(documentId) ?? mapClass(model(codes)).confidence,
        judgesDisagree: new Set(codes.map((c) => c.code)).size > 1,
        orderDisagreement: answers.some((a) => a.orderDisagreement),
      };
    });
  // The budget counts over every judged document, routed or already with humans.
  const plan = routeToHumans(candidates, {
    budgetPer1000: props.budgetPer1000,
    judgmentsPerItem: props.redundancy,
    documents: answersByDocument.size,
  });
  const documentIds = plan.documentIds.slice(0, props.size);
  return { documentIds, allocation: new Map(Object.entries(plan.bySource)), plan };
}

/** A seeded random sample of the documents one judge answered that no batch holds yet (nor gold). */
export async function sampleJudgedAtRandom(tx: Tx, project: Project, props: { judgeId: number; size: number; seed: number; excludeUsed: boolean }) {
  const { answersByDocument } = await loadCalibration(tx, project, props.judgeId);
  const key = `judge:${props.judgeId}`;
  const taken = await documentsInBatchesOrGold(tx, project.id, props.excludeUsed);
  const pool = [...answersByDocument].filter(([d, answers]) => !taken.has(d) && answers.some((a) => a.judgeKey === key)).map(([d]) => d);
  pool.sort((a, b) => a - b);
  const random = seededRandom(props.seed);
  // Partial Fisher-Yates: the first `size` places are a uniform sample.
  for (let i = 0; i < Math.min(props.size, pool.length); i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  const documentIds = pool.slice(0, props.size);
  return { documentIds, allocation: new Map([['', documentIds.length]]) };
}

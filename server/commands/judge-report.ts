/**
 * The calibration report of a project's LLM judges against the human consensus, and what a routing budget would
 * save and cost on the documents humans labelled. Read-only: it loads, the pure functions in server/judges compute.
 */
import type { Project } from '../db/schema.ts';
import type { Tx } from '../db/store.ts';
import { goldAnswersByDocument, humanLabelsByDocument, judgesOfProject, parsedJudgeAnswers } from '../db/queries/judge-reports.ts';
import { projectTaskType } from '../../tasks/registry.ts';
import { pairwiseVerdict } from '../../tasks/pairwise-preference/judge.ts';
import { aggregationSettingsOf } from '../quality/aggregation-settings.ts';
import type { Observation } from '../quality/aggregate-observations.ts';
import { calibrationReport, humanConsensus, type CalibrationInput } from '../judges/report/calibration-report.ts';
import type { OrderedVerdicts, PositionalVerdict } from '../judges/report/position-bias.ts';
import { evaluateBudget, type HeldOutDocument } from '../judges/routing/budget-evaluation.ts';
import { notFound } from '../errors.ts';

export interface JudgeReportProps {
  project: Project;
  /** Only this judge (404 when the project has no such judge). */
  judgeId?: number;
  /** The budget evaluated on the held-out human labels. */
  budget: { budgetPer1000: number; judgmentsPerItem: number };
}

/** The judges' calibration report with their names and the budget's evaluation. */
export async function judgeReport(db: Tx, props: JudgeReportProps) {
  const loaded = await loadCalibration(db, props.project, props.judgeId);
  const consensus = humanConsensus(loaded.input);
  const report = calibrationReport(loaded.input, consensus);
  const heldOut: HeldOutDocument[] = [];
  for (const [documentId, answers] of loaded.answersByDocument) {
    const human = consensus.consensus.get(documentId);
    if (!human) continue;
    heldOut.push({
      documentId,
      source: loaded.input.sources.get(documentId) ?? null,
      humanCode: human.code,
      answers: answers.map((a) => ({ judgeKey: a.judgeKey, code: consensus.toCode(a.value), orderDisagreement: a.orderDisagreement })),
    });
  }
  return {
    report,
    judges: loaded.judges,
    budget: evaluateBudget(heldOut, report.classes.length, props.budget),
  };
}

/** One judge answer as the report reads it. */
interface JudgeAnswerValue {
  judgeKey: string;
  value: number;
  orderDisagreement: boolean;
}

/**
 * The calibration input of a project: human labels and parsed judge answers by document (each fitting the config as
 * it is now), gold by document, sources, and the pairwise orders re-read from the raw answers.
 */
export async function loadCalibration(db: Tx, project: Project, judgeId?: number) {
  const taskType = projectTaskType(project)!;
  const judges = (await judgesOfProject(db, project.id)).map((j) => ({ ...j, id: Number(j.id), key: `judge:${j.id}` }));
  const chosen = judgeId === undefined ? judges : judges.filter((j) => j.id === judgeId);
  if (judgeId !== undefined && !chosen.length) throw notFound('Judge');
  const pairwise = taskType.aggregationKind === 'pairwise';
  const [answers, humans, gold] = await Promise.all([
    parsedJudgeAnswers(db, project.id, pairwise),
    humanLabelsByDocument(db, project.id),
    goldAnswersByDocument(db, project.id),
  ]);
  const sources = new Map<number, string | null>();
  const observations: Observation[] = [];
  for (const h of humans) {
    if (!taskType.fitsJudgment(h.value)) continue;
    const documentId = Number(h.document_id);
    sources.set(documentId, h.source);
    observations.push({
      itemId: documentId,
      workerKey: h.worker_key,
      value: taskType.judgmentLabel(h.value),
      seconds: h.time_spent_ms / 1000,
      swapped: h.swapped,
      batchId: Number(h.batch_id),
    });
  }
  const answersByDocument = new Map<number, JudgeAnswerValue[]>();
  const orders = new Map<string, Map<number, OrderedVerdicts>>();
  for (const a of answers) {
    if (!taskType.fitsJudgment(a.value)) continue;
    const documentId = Number(a.document_id);
    const judgeKey = `judge:${a.judge_id}`;
    sources.set(documentId, a.source);
    const value = taskType.judgmentLabel(a.value);
    observations.push({ itemId: documentId, workerKey: judgeKey, value, seconds: 0, batchId: 0 });
    (answersByDocument.get(documentId) ?? answersByDocument.set(documentId, []).get(documentId)!).push({
      judgeKey,
      value,
      orderDisagreement: a.order_disagreement,
    });
    if (pairwise && a.raw !== null && a.raw_swapped !== null) {
      // A parsed answer's verdicts were read already; ties allowed here, since an answer a no-tie project refused is unparsed.
      const inOrder = positional(pairwiseVerdict(a.raw, true));
      const swapped = positional(pairwiseVerdict(a.raw_swapped, true));
      if (inOrder && swapped) (orders.get(judgeKey) ?? orders.set(judgeKey, new Map()).get(judgeKey)!).set(documentId, { inOrder, swapped });
    }
  }
  const goldValues = new Map<number, number>();
  for (const [documentId, answer] of gold) if (taskType.fitsGold(answer)) goldValues.set(documentId, taskType.goldLabel(answer));
  const input: CalibrationInput = {
    kind: taskType.aggregationKind,
    classes: taskType.aggregationClasses(),
    scale: taskType.aggregationScale(),
    settings: aggregationSettingsOf(project.settings),
    observations,
    gold: goldValues,
    sources,
    judgeKeys: chosen.map((j) => j.key),
    orders: pairwise ? orders : undefined,
  };
  return { input, judges: chosen, answersByDocument };
}

function positional(v: 'A' | 'B' | 'tie' | undefined): PositionalVerdict | undefined {
  return v === 'A' ? 'first' : v === 'B' ? 'second' : v;
}

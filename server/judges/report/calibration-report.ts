/**
 * The calibration report of LLM judges: each judge against the consensus of the humans on the documents both
 * labelled. The consensus is the project's own aggregation run over the human judgments only, so neither the judge
 * nor any other judge is ever compared with itself. Pure: the command around it loads the judgments.
 */
import { aggregateObservations, type Observation } from '../../quality/aggregate-observations.ts';
import type { AggregationSettings } from '../../quality/aggregation-settings.ts';
import type { AggregationKind } from '../../../tasks/task-type.ts';
import { pairFigures, type PairFigures } from './pair-figures.ts';
import { positionBias, type OrderedVerdicts, type PositionBias } from './position-bias.ts';

/** Worker keys of LLM judges start with this (server/judges writes them). */
export const JUDGE_KEY_PREFIX = 'judge:';

/** Whether a worker key belongs to an LLM judge. */
export const isJudgeKey = (workerKey: string) => workerKey.startsWith(JUDGE_KEY_PREFIX);

export interface CalibrationInput {
  kind: AggregationKind;
  /** The task type's classes (categorical). */
  classes?: string[];
  scale?: { min: number; max: number };
  settings: AggregationSettings;
  /** Every label of the project, humans' and judges', with `itemId` holding the DOCUMENT id: a judge and a human who
   * labelled the same document in different batches are compared. */
  observations: Observation[];
  /** Gold answers by document, as numbers like observations (the humans' aggregation uses them as it always does). */
  gold?: Map<number, number>;
  /** Source of each document (null: none recorded). */
  sources: Map<number, string | null>;
  /** The judges to report on, by worker key. */
  judgeKeys: string[];
  /** Pairwise: each judge's verdicts in both orders, by document. */
  orders?: Map<string, Map<number, OrderedVerdicts>>;
}

/** One judge's figures, overall or within a source. */
export interface CalibrationFigures extends PairFigures {
  /** Human judgments behind the consensus on the shared documents. */
  humanJudgments: number;
  /** Documents the judge labelled (shared with humans or not). */
  judged: number;
  positionBias: PositionBias | null;
}

export interface JudgeCalibration extends CalibrationFigures {
  judgeKey: string;
  bySource: ({ source: string | null } & CalibrationFigures)[];
}

export interface CalibrationReport {
  kind: AggregationKind;
  /** Class names in code order (the confusion matrices' rows and columns). */
  classes: string[];
  /** Documents with a human consensus. */
  humanDocuments: number;
  judges: JudgeCalibration[];
}

interface Consensus {
  code: number;
  value: number;
  judgments: number;
}

/** The humans' consensus per document and the class scale the report counts in (see {@link humanConsensus}). */
export type HumanConsensus = ReturnType<typeof humanConsensus>;

/** The per-judge calibration report; pass the consensus when it was computed already (it runs the aggregation). */
export function calibrationReport(input: CalibrationInput, human: HumanConsensus = humanConsensus(input)): CalibrationReport {
  const { consensus, classes, toCode } = human;
  const ordered = input.kind !== 'categorical';
  const judges = input.judgeKeys.map((judgeKey): JudgeCalibration => {
    const answers = firstPerDocument(input.observations.filter((o) => o.workerKey === judgeKey));
    const orders = input.orders?.get(judgeKey);
    const figures = (docs: number[]): CalibrationFigures => {
      const shared = docs.filter((d) => consensus.has(d));
      const human = shared.map((d) => consensus.get(d)!);
      const judge = shared.map((d) => answers.get(d)!);
      const verdicts = orders ? docs.flatMap((d) => orders.get(d) ?? []) : [];
      return {
        ...pairFigures({
          nClasses: classes.length,
          humanClass: Int32Array.from(human, (h) => h.code),
          judgeClass: Int32Array.from(judge, toCode),
          humanValue: ordered ? Float64Array.from(human, (h) => h.value) : undefined,
          judgeValue: ordered ? Float64Array.from(judge) : undefined,
        }),
        humanJudgments: human.reduce((sum, h) => sum + h.judgments, 0),
        judged: docs.length,
        positionBias: input.kind === 'pairwise' && orders ? positionBias(verdicts) : null,
      };
    };
    const docs = [...answers.keys()];
    const bySource = new Map<string | null, number[]>();
    for (const d of docs) {
      const s = input.sources.get(d) ?? null;
      (bySource.get(s) ?? bySource.set(s, []).get(s)!).push(d);
    }
    return {
      judgeKey,
      ...figures(docs),
      bySource: [...bySource]
        .sort(([a], [b]) => (a ?? '').localeCompare(b ?? ''))
        .map(([source, sourceDocs]) => ({ source, ...figures(sourceDocs) })),
    };
  });
  return { kind: input.kind, classes, humanDocuments: consensus.size, judges };
}

/** Each document's first answer (a judge that labelled several items of one document gave them the same answer). */
function firstPerDocument(observations: Observation[]): Map<number, number> {
  const first = new Map<number, number>();
  for (const o of observations) if (!first.has(o.itemId)) first.set(o.itemId, o.value);
  return first;
}

/**
 * The humans' consensus per document, through the same aggregation the project runs, with class codes on the scale
 * the report counts in: categorical classes, the ordinal scale's points, pairwise B / tie / A.
 */
export function humanConsensus(input: CalibrationInput) {
  // One judgment per human and document: the same annotator on two items of a document is one opinion.
  const seen = new Set<string>();
  const human = input.observations.filter((o) => {
    const key = `${o.workerKey}\u0000${o.itemId}`;
    if (isJudgeKey(o.workerKey) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const consensus = new Map<number, Consensus>();
  const judgments = new Map<number, number>();
  for (const o of human) judgments.set(o.itemId, (judgments.get(o.itemId) ?? 0) + 1);
  const scale = input.scale ?? valueRange(input.observations);
  if (input.kind === 'ordinal') {
    const points = Math.round(scale.max - scale.min) + 1;
    const toCode = (v: number) => Math.min(points - 1, Math.max(0, Math.round(v - scale.min)));
    const classes = Array.from({ length: points }, (_, k) => String(scale.min + k));
    if (human.length) {
      const output = aggregateObservations({ ...common(input, human), scale });
      for (const r of output.items) {
        if (r.score !== null && Number.isFinite(r.score))
          consensus.set(r.itemId, { code: toCode(r.score), value: r.score, judgments: judgments.get(r.itemId)! });
      }
      // A document one human scored has that score as its consensus: the model's score for it is a posterior mean
      // pulled toward the mean of all answers (nothing else informs it), so rounded it moves the scale's ends inward
      // and a judge that gives the human's own score would look wrong on them.
      for (const o of human) {
        if (judgments.get(o.itemId) === 1 && consensus.has(o.itemId) && !input.gold?.has(o.itemId))
          consensus.set(o.itemId, { code: toCode(o.value), value: o.value, judgments: 1 });
      }
    }
    return { consensus, classes, toCode };
  }
  if (input.kind === 'pairwise') {
    const classes = ['B', 'tie', 'A'];
    const toCode = (v: number) => (v === 0.5 ? 1 : v > 0.5 ? 2 : 0);
    if (human.length) {
      for (const r of aggregateObservations(common(input, human)).items) {
        const code = classes.indexOf(r.label ?? '');
        if (code >= 0) consensus.set(r.itemId, { code, value: code / 2, judgments: judgments.get(r.itemId)! });
      }
    }
    return { consensus, classes, toCode };
  }
  const classes = input.classes?.length
    ? input.classes
    : Array.from({ length: 1 + Math.max(0, valueRange(input.observations).max) }, (_, k) => String(k));
  if (human.length) {
    for (const r of aggregateObservations({ ...common(input, human), classes }).items) {
      const code = classes.indexOf(r.label ?? '');
      if (code >= 0) consensus.set(r.itemId, { code, value: code, judgments: judgments.get(r.itemId)! });
    }
  }
  return { consensus, classes, toCode: (v: number) => v };
}

function common(input: CalibrationInput, observations: Observation[]) {
  return { kind: input.kind, observations, gold: input.gold ?? new Map<number, number>(), settings: input.settings };
}

function valueRange(observations: Observation[]) {
  let min = Infinity;
  let max = -Infinity;
  for (const o of observations) {
    min = Math.min(min, o.value);
    max = Math.max(max, o.value);
  }
  return Number.isFinite(min) ? { min, max } : { min: 0, max: 0 };
}

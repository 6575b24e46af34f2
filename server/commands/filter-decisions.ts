import type { Writable } from 'node:stream';
import { once } from 'node:events';
import type { AppContext } from '../context.ts';
import type { Project } from '../db/schema.ts';
import { streamFilterRows, type FilterRow } from '../db/queries/filter.ts';
import { thresholdCurve, thresholdReport, type FilterItem } from '../filtering/threshold-report.ts';
import { tokenBudget } from '../filtering/token-budget.ts';
import { projectTaskType } from '../../tasks/registry.ts';

/**
 * The number a keep/drop threshold applies to: the aggregated score where there is one (quality scale, win
 * probability), else 1 for the task type's keep label and 0 for anything else.
 */
function filterScoreOf(project: Project) {
  const taskType = projectTaskType(project)!;
  const classes = taskType.aggregationClasses();
  const keepLabel = taskType.keepLabel() ?? classes?.[0];
  return {
    score: (row: Pick<FilterRow, 'score' | 'label'>) => (row.score !== null ? Number(row.score) : row.label === keepLabel ? 1 : 0),
    /** Whether a stored gold answer can serve as a reference under the config as it is now. */
    fits: (answer: unknown) => answer === null || answer === undefined || taskType.fitsGold(answer),
    reference: (answer: unknown): number | null => {
      // A gold answer stored under an earlier config that no longer fits is no reference (counted by the caller).
      if (answer === null || answer === undefined || !taskType.fitsGold(answer)) return null;
      const value = taskType.goldLabel(answer);
      return classes && taskType.aggregationKind !== 'ordinal' ? (classes[value] === keepLabel ? 1 : 0) : value;
    },
  };
}

async function loadFilterItems(ctx: AppContext, project: Project): Promise<{ items: FilterItem[]; ids: string[]; goldAnswersNotFitting: number }> {
  const { score, fits, reference } = filterScoreOf(project);
  const items: FilterItem[] = [];
  const ids: string[] = [];
  let goldAnswersNotFitting = 0;
  await ctx.store.db.transaction(async (tx) => {
    for await (const page of streamFilterRows(tx, project.id)) {
      for (const row of page) {
        if (!fits(row.reference)) goldAnswersNotFitting++;
        items.push({ score: score(row), tokens: row.tokens, source: row.source, reference: reference(row.reference) });
        ids.push(row.external_id);
      }
    }
  });
  return { items, ids, goldAnswersNotFitting };
}

/**
 * What a threshold does to the corpus: kept share overall and per source, kept tokens, precision/recall against
 * reference items, the curve over candidate thresholds, and the token budget for a target model size; and how many
 * gold answers were no reference because they do not fit the project's config as it is now.
 */
export async function filterReport(ctx: AppContext, props: { project: Project; threshold: number; parameters: number; thresholds: number[] }) {
  const { items, goldAnswersNotFitting } = await loadFilterItems(ctx, props.project);
  const report = thresholdReport(items, props.threshold);
  return {
    report,
    curve: thresholdCurve(items, props.thresholds),
    budget: tokenBudget(props.parameters, report.keptTokenShare),
    goldAnswersNotFitting,
  };
}

/** Writes the external ids kept (or dropped) by a threshold, one per line. */
export async function writeFilterIds(ctx: AppContext, props: { project: Project; threshold: number; decision: 'keep' | 'drop'; out: Writable }) {
  const { score } = filterScoreOf(props.project);
  let written = 0;
  await ctx.store.db.transaction(async (tx) => {
    for await (const page of streamFilterRows(tx, props.project.id)) {
      const lines = page.filter((row) => score(row) >= props.threshold === (props.decision === 'keep')).map((row) => row.external_id + '\n');
      written += lines.length;
      if (lines.length && !props.out.write(lines.join(''))) await once(props.out, 'drain');
    }
  });
  return written;
}

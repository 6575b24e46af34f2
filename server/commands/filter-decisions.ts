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
    reference: (answer: unknown): number | null => {
      if (answer === null || answer === undefined) return null;
      const value = taskType.goldLabel(answer);
      return classes && taskType.aggregationKind !== 'ordinal' ? (classes[value] === keepLabel ? 1 : 0) : value;
    },
  };
}

async function loadFilterItems(ctx: AppContext, project: Project): Promise<{ items: FilterItem[]; ids: string[] }> {
  const { score, reference } = filterScoreOf(project);
  const items: FilterItem[] = [];
  const ids: string[] = [];
  await ctx.store.db.transaction(async (tx) => {
    for await (const page of streamFilterRows(tx, project.id)) {
      for (const row of page) {
        items.push({ score: score(row), tokens: row.tokens, source: row.source, reference: reference(row.reference) });
        ids.push(row.external_id);
      }
    }
  });
  return { items, ids };
}

/**
 * What a threshold does to the corpus: kept share overall and per source, kept tokens, precision/recall against
 * reference items, the curve over candidate thresholds, and the token budget for a target model size.
 */
export async function filterReport(ctx: AppContext, props: { project: Project; threshold: number; parameters: number; thresholds: number[] }) {
  const { items } = await loadFilterItems(ctx, props.project);
  const report = thresholdReport(items, props.threshold);
  return {
    report,
    curve: thresholdCurve(items, props.thresholds),
    budget: tokenBudget(props.parameters, report.keptTokenShare),
  };
}

/** Writes the external ids kept (or dropped) by a threshold, one per line. */
export async function writeFilterIds(ctx: AppContext, props: { project: Project; threshold: number; decision: 'keep' | 'drop'; out: Writable }) {
  const { score } = filterScoreOf(props.project);
  let written = 0;
  await ctx.store.db.transaction(async (tx) => {
    for await (const page of streamFilterRows(tx, props.project.id)) {
      const lines = page.filter((row) => (score(row) >= props.threshold) === (props.decision === 'keep')).map((row) => row.external_id + '\n');
      written += lines.length;
      if (lines.length && !props.out.write(lines.join(''))) await once(props.out, 'drain');
    }
  });
  return written;
}

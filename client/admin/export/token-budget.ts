import { findTaskType } from '../../../tasks/registry.ts';

/**
 * Whether the filter's token budget (training tokens a model size needs, raw tokens to collect at the keep rate)
 * means anything for a task type: only where a keep threshold keeps texts to train on, that is a score on a quality
 * scale (ordinal) or a keep/drop class. A pairwise preference's score is a win probability between two responses;
 * keeping pairs above it selects preference data, not a corpus a pretraining budget counts.
 */
export function tokenBudgetApplies(taskTypeName: string): boolean {
  const taskType = findTaskType(taskTypeName);
  return taskType?.aggregationKind === 'ordinal' || taskType?.keepLabel !== undefined;
}

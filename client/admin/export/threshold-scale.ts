import { projectTaskType } from '../../../tasks/registry.ts';
import type { Project } from '../../lib/types.ts';

/** The range a project's filter threshold moves over, the slider's step, and the curve's sample points. */
export interface ThresholdScale {
  min: number;
  max: number;
  step: number;
  /** Candidate thresholds for the precision/recall curve, evenly spaced over the range. */
  candidates: number[];
}

const CURVE_POINTS = 21;

/**
 * The filter scores an item by its aggregated score on the task's own scale where the task is ordinal (e.g. 0–5),
 * else by a 0–1 number (a win probability, or 1 for the keep label), so the slider follows the same range.
 */
export function thresholdScale(project: Project): ThresholdScale {
  const taskType = projectTaskType(project);
  const scale = taskType?.aggregationKind === 'ordinal' ? taskType.aggregationScale() : undefined;
  const [min, max] = scale ? [scale.min, scale.max] : [0, 1];
  const span = max - min;
  const candidates = Array.from({ length: CURVE_POINTS }, (_, i) => round(min + (span * i) / (CURVE_POINTS - 1)));
  return { min, max, step: round(span / 50), candidates };
}

/** Rounds away float noise (0.30000000000000004) so thresholds read and travel cleanly. */
export function round(value: number): number {
  return Number(value.toFixed(6));
}

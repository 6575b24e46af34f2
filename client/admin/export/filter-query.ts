import type { ThresholdScale } from './threshold-scale.ts';

/** What both threshold reports (reviewed items, whole scored corpus) are asked with. */
export interface FilterQuery {
  threshold: number;
  /** The target model's parameters, for the token budget. */
  parameters: number;
  /** The curve's candidate thresholds, comma-separated. */
  thresholds: string;
}

/**
 * The report query for a threshold and a target model size in billions of parameters, or null while the model size
 * is not a positive number (an empty or zero field): no report is asked for then.
 */
export function filterQuery(threshold: number, modelBillions: number | null, scale: ThresholdScale): FilterQuery | null {
  if (typeof modelBillions !== 'number' || !(modelBillions > 0)) return null;
  return { threshold, parameters: modelBillions * 1e9, thresholds: scale.candidates.join(',') };
}

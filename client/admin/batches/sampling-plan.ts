import type { SamplingPlan } from '../../lib/types.ts';

export type SamplingStrategy = SamplingPlan['strategy'];

/** One stratum's target share as edited; shares are relative, the server normalizes them. */
export interface ProportionRow {
  id: number;
  key: string;
  share: number | null;
}

let lastRowId = 0;

/** A new editor row; ids only tell rows apart while editing. */
export function proportionRow(key = '', share = 1): ProportionRow {
  return { id: ++lastRowId, key, share };
}

/** Rows from stratum values, each with an equal share. */
export function equalShares(keys: readonly string[]): ProportionRow[] {
  return keys.map((key) => proportionRow(key));
}

/** What the form's rows would lose silently if sent: two rows for one value would collapse into one. */
export function proportionsProblem(rows: ProportionRow[]): string | null {
  const keys = rows.map((r) => r.key.trim());
  const repeated = keys.find((k, i) => keys.indexOf(k) !== i);
  return repeated === undefined ? null : `The value "${repeated}" has two rows; give each value one share.`;
}

/** The sampling plan the server expects; no rows means equal shares. */
export function samplingPlan(strategy: SamplingStrategy, field: string, rows: ProportionRow[]): SamplingPlan {
  if (strategy === 'random') return { strategy };
  const proportions = rows.length ? Object.fromEntries(rows.map((r) => [r.key.trim(), r.share ?? 0])) : undefined;
  if (strategy === 'stratified') return { strategy, field: field.trim(), proportions };
  if (strategy === 'length') return { strategy, proportions };
  if (strategy === 'uncertainty') return { strategy };
  // Judge-routed batches and calibration samples are drawn from the judges' report, with their own settings.
  throw new Error(`A ${strategy} batch is not drawn from this form`);
}

import { createHash } from 'node:crypto';
import { FEE_CLIFF_ASSIGNMENTS } from './fees.ts';

/** One HIT to create. */
export interface PlannedHit {
  index: number;
  itemIds: string[];
  maxAssignments: number;
  /** Deterministic so a retry after a crash hits MTurk's duplicate check instead of creating a second HIT. */
  uniqueRequestToken: string;
}

/** Options for {@link planHits}. */
export interface HitPlanOptions {
  batchId: string;
  itemsPerHit: number;
  assignmentsPerItem: number;
  /** Split k >= 10 assignments into several HITs of <= 9 to avoid the 40% commission. */
  splitAtFeeCliff?: boolean;
}

/** Token ≤ 64 chars (MTurk's limit): readable prefix plus a hash of the full batch id. */
export function hitRequestToken(batchId: string, hitIndex: number): string {
  const digest = createHash('sha256').update(batchId).digest('hex').slice(0, 24);
  return `curate-${digest}-${hitIndex}`;
}

/** Splits item ids into HITs of `itemsPerHit`, replicating into HIT groups when splitting at the fee cliff. */
export function planHits(itemIds: readonly string[], options: HitPlanOptions): PlannedHit[] {
  const { itemsPerHit, assignmentsPerItem } = options;
  if (!Number.isInteger(itemsPerHit) || itemsPerHit < 1) throw new Error(`itemsPerHit must be >= 1, got ${itemsPerHit}`);
  if (!Number.isInteger(assignmentsPerItem) || assignmentsPerItem < 1) throw new Error(`assignmentsPerItem must be >= 1, got ${assignmentsPerItem}`);
  const cap = options.splitAtFeeCliff ? FEE_CLIFF_ASSIGNMENTS - 1 : assignmentsPerItem;
  const groupSizes: number[] = [];
  for (let left = assignmentsPerItem; left > 0; left -= cap) groupSizes.push(Math.min(cap, left));
  const hits: PlannedHit[] = [];
  for (let start = 0; start < itemIds.length; start += itemsPerHit) {
    for (const maxAssignments of groupSizes) {
      const index = hits.length;
      hits.push({
        index,
        itemIds: itemIds.slice(start, start + itemsPerHit),
        maxAssignments,
        uniqueRequestToken: hitRequestToken(options.batchId, index),
      });
    }
  }
  return hits;
}

/** Options for routing low-confidence items. */
export interface RoutingOptions {
  /** Items with confidence below this go to review. */
  threshold: number;
  /** Most extra judgments to request for one item (adaptive redundancy cap k). */
  maxExtraPerItem: number;
}

/** Items needing more work, most doubtful first, with how many extra judgment slots each should get. */
export interface RoutingPlan {
  items: Int32Array;
  extraSlots: Int32Array;
  totalExtraSlots: number;
}

/**
 * Lists items whose confidence is below the threshold and sizes extra redundancy by how far below it they
 * are: ceil(k · (threshold − confidence) / threshold), at least 1 and at most k. NaN confidence (unjudged)
 * is treated as 0.
 */
export function routeLowConfidence(confidence: Float64Array, options: RoutingOptions): RoutingPlan {
  const { threshold, maxExtraPerItem: k } = options;
  const chosen: number[] = [];
  for (let i = 0; i < confidence.length; i++) if (!(confidence[i] >= threshold)) chosen.push(i);
  const conf = (i: number) => (Number.isNaN(confidence[i]) ? 0 : confidence[i]);
  chosen.sort((a, b) => conf(a) - conf(b) || a - b);
  const items = Int32Array.from(chosen);
  const extraSlots = new Int32Array(items.length);
  let totalExtraSlots = 0;
  for (let r = 0; r < items.length; r++) {
    const gap = (threshold - conf(items[r])) / threshold;
    extraSlots[r] = Math.min(k, Math.max(1, Math.ceil(k * gap - 1e-9)));
    totalExtraSlots += extraSlots[r];
  }
  return { items, extraSlots, totalExtraSlots };
}

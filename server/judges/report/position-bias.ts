/**
 * Position bias of a pairwise judge, from the two orders it was asked each comparison in (response A shown first,
 * then B shown first). An unbiased judge picks the response shown first half the time, and its content choice does
 * not depend on the order; a biased one favours a position (Zheng et al. 2023), which shows as a gap between the
 * share of "A" in order and swapped, and as orders that disagree.
 */

/** A verdict by position: `first` is the response shown first. */
export type PositionalVerdict = 'first' | 'second' | 'tie';

/** One comparison asked in both orders. */
export interface OrderedVerdicts {
  /** Response A shown first. */
  inOrder: PositionalVerdict;
  /** Response B shown first. */
  swapped: PositionalVerdict;
}

export interface PositionBias {
  /** Comparisons with both orders read. */
  comparisons: number;
  /** Share of the non-tie answers (both orders) that picked the response shown first; 0.5 is no bias. */
  firstPositionShare: number | null;
  /** Share of answers preferring response A when A was shown first… */
  aShareInOrder: number | null;
  /** …and when B was shown first. */
  aShareSwapped: number | null;
  /** Share of comparisons whose two orders named different responses (or one a tie). */
  orderDisagreementRate: number | null;
}

/** The position-bias figures of one judge's comparisons. */
export function positionBias(verdicts: OrderedVerdicts[]): PositionBias {
  const n = verdicts.length;
  let first = 0;
  let decided = 0;
  let aInOrder = 0;
  let aSwapped = 0;
  let disagree = 0;
  for (const v of verdicts) {
    for (const p of [v.inOrder, v.swapped]) {
      if (p === 'tie') continue;
      decided++;
      if (p === 'first') first++;
    }
    if (v.inOrder === 'first') aInOrder++;
    if (v.swapped === 'second') aSwapped++;
    // The same response in both orders is first-then-second; a tie agrees only with a tie.
    const same = v.inOrder === 'tie' ? v.swapped === 'tie' : v.swapped !== 'tie' && v.swapped !== v.inOrder;
    if (!same) disagree++;
  }
  const share = (x: number, of: number) => (of > 0 ? x / of : null);
  return {
    comparisons: n,
    firstPositionShare: share(first, decided),
    aShareInOrder: share(aInOrder, n),
    aShareSwapped: share(aSwapped, n),
    orderDisagreementRate: share(disagree, n),
  };
}

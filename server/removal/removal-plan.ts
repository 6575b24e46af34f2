import type { Holdings } from '../db/queries/removal.ts';

/** What the caller asks for when the thing to delete holds judgments: nothing (so it is told), or an archive instead. */
export type WhenLabeled = 'refuse' | 'archive';

export type RemovalPlan = { kind: 'delete' } | { kind: 'archive' } | { kind: 'refuse'; message: string };

/**
 * Whether deleting a batch or project may drop its rows. Judgments, crowd HITs and payments are records of work
 * done (and paid for), so they are never dropped: a thing holding any is archived when the caller asked for that,
 * and otherwise refused with the counts, so the caller can ask again knowing what archiving keeps.
 */
export function planRemoval(what: 'batch' | 'project', holdings: Holdings, whenLabeled: WhenLabeled): RemovalPlan {
  const held = [
    holdings.judgments && `${holdings.judgments} judgment${holdings.judgments === 1 ? '' : 's'}`,
    holdings.crowdHits && `${holdings.crowdHits} crowd HIT${holdings.crowdHits === 1 ? '' : 's'}`,
    holdings.ledgerEntries && `${holdings.ledgerEntries} payment record${holdings.ledgerEntries === 1 ? '' : 's'}`,
  ].filter(Boolean);
  if (!held.length) return { kind: 'delete' };
  if (whenLabeled === 'archive') return { kind: 'archive' };
  return {
    kind: 'refuse',
    message: `The ${what} holds ${held.join(', ')}, which are never deleted; archive it instead (whenLabeled: "archive") to hide it and keep them exportable`,
  };
}

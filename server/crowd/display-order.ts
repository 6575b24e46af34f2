import { createHash } from 'node:crypto';

/**
 * Pairwise display order for a crowd assignment: a coin per (assignment, item), the same every time the page loads,
 * so the order the worker saw can be recorded with their judgment.
 */
export function crowdSwapped(assignmentId: string, itemId: number): boolean {
  return createHash('md5').update(`${assignmentId}:${itemId}`).digest()[0] >= 128;
}

/** MTurk's placeholder assignment id while a worker previews a HIT they have not accepted. */
export const PREVIEW_ASSIGNMENT_ID = 'ASSIGNMENT_ID_NOT_AVAILABLE';

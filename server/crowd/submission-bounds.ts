/**
 * How much unconfirmed crowd work a HIT may hold, and until when any of it could still become real. Our public
 * submission route cannot tell a worker from a forger (the channel only ever lists assignments once they are
 * submitted there), so these bounds are what keeps forged writes finite.
 */

/** The longest assignment duration MTurk allows, assumed for HITs published before we recorded theirs. */
export const MAX_ASSIGNMENT_DURATION_SECONDS = 365 * 24 * 3600;

/**
 * Clock skew between processes and the channel's eventual consistency (a just-submitted assignment can take a
 * while to show up in its listing): a deadline counts as passed only this long after it.
 */
export const DEADLINE_GRACE_SECONDS = 10 * 60;

/**
 * Submissions a HIT may hold, confirmed or not: one per assignment, plus room for assignments a worker returned
 * or abandoned after sending us answers (their slot goes to the next worker, possibly under a new assignment id).
 */
export function submissionCapOfHit(maxAssignments: number): number {
  return maxAssignments + Math.max(2, Math.ceil(maxAssignments / 2));
}

/** What we know of a HIT's timing; either may be unknown on HITs published before it was recorded. */
export interface HitTiming {
  expiresAt: Date | null;
  assignmentDurationSeconds: number | null;
}

/**
 * The last moment any assignment of the HIT can be submitted to the channel: an assignment is accepted before the
 * HIT expires and must be submitted within its duration. Null when the HIT's expiry is unknown.
 */
export function lastSubmitTime(hit: HitTiming): Date | null {
  if (!hit.expiresAt) return null;
  return new Date(hit.expiresAt.getTime() + durationOf(hit) * 1000);
}

/** Whether the HIT could still receive a submission on the channel at `now` (deadline grace included). */
export function hitTakesSubmissions(hit: HitTiming, now: Date): boolean {
  const last = lastSubmitTime(hit);
  return !last || now.getTime() <= last.getTime() + DEADLINE_GRACE_SECONDS * 1000;
}

/** The HIT's assignment duration, or the longest possible one when it was not recorded. */
function durationOf(hit: HitTiming): number {
  return hit.assignmentDurationSeconds ?? MAX_ASSIGNMENT_DURATION_SECONDS;
}

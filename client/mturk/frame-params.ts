/** What MTurk appends to an ExternalQuestion's URL when it frames our task page. */
export interface FrameParams {
  hitId: string;
  /** `ASSIGNMENT_ID_NOT_AVAILABLE` while the worker only previews the HIT. */
  assignmentId: string;
  /** Absent in preview; a claim only, since the channel names the worker when sync confirms the assignment. */
  workerId: string;
  /** Origin of the MTurk site (production or sandbox) that takes the finished assignment. */
  turkSubmitTo: string;
}

/** MTurk sometimes leaves turkSubmitTo out; production is the sensible place to hand work back to then. */
const DEFAULT_SUBMIT_ORIGIN = 'https://www.mturk.com';

/** The frame parameters of a query string, or null when the page was not opened from a HIT. */
export function readFrameParams(search: string): FrameParams | null {
  const params = new URLSearchParams(search);
  const hitId = params.get('hitId');
  const assignmentId = params.get('assignmentId');
  if (!hitId || !assignmentId) return null;
  return {
    hitId,
    assignmentId,
    workerId: params.get('workerId') ?? '',
    turkSubmitTo: (params.get('turkSubmitTo') || DEFAULT_SUBMIT_ORIGIN).replace(/\/+$/, ''),
  };
}

/**
 * Every Socket.IO event the server sends, with its payload: the one typed contract shared by server and client.
 */
export interface ClientEventMap {
  /** An import is being read: counts so far. */
  'import:progress': { importId: number; projectId: number; bytes: number; records: number; imported: number; duplicates: number; rejected: number };
  /** An import finished (succeeded or failed). */
  'import:done': { importId: number; projectId: number; status: 'succeeded' | 'failed'; message: string };
  /** A batch opened: annotators of the project have new work. */
  'batch:opened': { projectId: number; batchId: number; name: string };
  /** A batch's live progress, for admins watching the project. */
  'batch:progress': {
    projectId: number;
    batchId: number;
    open: number;
    leased: number;
    done: number;
    items: number;
    itemsComplete: number;
    /** Withdrawn: the task type cannot show their documents (flagged for staff). */
    itemsBroken: number;
    judgmentsPerMinute: number;
  };
  /**
   * An export is being written: rows so far of the total, rows left out as their document cannot be shown, and
   * judgments left out of the task columns (not the file) as they do not fit the project's config as it is now.
   */
  'export:progress': { projectId: number; exportId: string; written: number; total: number; skipped: number; judgmentsNotFitting: number };
  /** A classifier run is training (examples over all epochs, with the recent loss) or scoring the corpus (documents). */
  'classifier:progress': { projectId: number; runId: number; phase: 'training' | 'scoring'; done: number; total: number; loss: number | null };
  /** A classifier run finished training or scoring (succeeded or failed). */
  'classifier:done': { projectId: number; runId: number; phase: 'training' | 'scoring'; status: 'succeeded' | 'failed'; message: string };
  /** An active-learning round ended after its run's scoring: the run's message now names its batch, or why none. */
  'classifier:round': { projectId: number; runId: number; message: string };
  /** An LLM judge run's counts as stored (sent as it goes and on every status change). */
  'judge:progress': {
    projectId: number;
    judgeId: number;
    runId: number;
    status: 'queued' | 'running' | 'paused' | 'cancelled' | 'done' | 'failed';
    total: number;
    done: number;
    failed: number;
    unparsed: number;
    tokensIn: number;
    tokensOut: number;
    cost: number;
    lastError: string | null;
  };
}

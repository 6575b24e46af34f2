/**
 * The annotator's work loop for one project: the task on screen plus a few prefetched leases, an outbox of answers
 * that survives reloads and lost connections, lease renewal, undo and the session counters.
 *
 * One sync loop at a time talks to the server: it first sends the outbox in order, then tops the task queue up. Doing
 * both in sequence keeps the server's `labeled` count and the outbox from counting the same answer twice.
 */
import { api, ApiError } from '../lib/api.ts';
import { toasts } from '../lib/toasts.svelte.ts';
import type { FlagReason, GoldFeedback, LabelingTask } from '../lib/types.ts';
import { Outbox, outboxKey, type OutboxEntry } from './outbox.ts';
import { failureAction, retryDelayMs } from './delivery.ts';
import { Stopwatch } from './stopwatch.ts';

/** Tasks held at once: the one on screen and three ready behind it, so the next one shows without a network wait. */
export const PREFETCH = 4;
/** Well inside the server's 10-minute lease, so a long read never loses its task. */
const TICK_EVERY_MS = 2 * 60 * 1000;
/** The server refuses more (annotate.schema.ts). */
const MAX_TIME_SPENT_MS = 24 * 3600 * 1000;

export type QueueStatus = 'loading' | 'ready' | 'empty';

export class LabelingQueue {
  tasks = $state<LabelingTask[]>([]);
  pending = $state<OutboxEntry[]>([]);
  status = $state<QueueStatus>('loading');
  /** The last request failed to reach the server. */
  offline = $state(false);
  /** Why the last lease request was refused (the server answered with an error), until one succeeds. */
  leaseError = $state<string | null>(null);
  /** The annotator's final labels in the project as the server last counted them. */
  serverLabeled = $state<number | null>(null);
  /** Labels given since this tab started labeling the project (kept across reloads of the tab). */
  sessionLabeled = $state(0);
  /** Training mode: how the latest answer compared with gold. */
  feedback = $state<GoldFeedback | null>(null);
  /** After an undo: the answer withdrawn, shown beside the task handed back. */
  undone = $state<{ slotId: number; value: unknown } | null>(null);

  current = $derived<LabelingTask | null>(this.tasks[0] ?? null);
  /** Server count plus answers still in the outbox. */
  totalLabeled = $derived((this.serverLabeled ?? 0) + this.pending.filter((e) => e.kind === 'judgment').length);

  readonly #outbox: Outbox;
  readonly #sessionStorage: Storage;
  readonly #sessionKey: string;
  /** Slots answered or skipped in this page: a lease answer racing with the outbox must not bring them back. */
  readonly #settled = new Set<number>();
  #stopwatch = new Stopwatch();
  #stopwatchSlot: number | null = null;
  #syncing: Promise<void> | null = null;
  #syncAgain = false;
  #failedAttempts = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #tickTimer: ReturnType<typeof setInterval> | undefined;
  #stopped = false;

  constructor(
    readonly projectId: number,
    userId: number,
    storage: { local: Storage; session: Storage } = { local: localStorage, session: sessionStorage },
  ) {
    this.#outbox = new Outbox(storage.local, outboxKey(userId, projectId));
    this.#sessionKey = `curate:session-labeled:v1:u${userId}:p${projectId}`;
    this.#sessionStorage = storage.session;
    this.sessionLabeled = Number(storage.session.getItem(this.#sessionKey)) || 0;
    this.#reloadPending();
    for (const entry of this.pending) this.#settled.add(entry.slotId);
  }

  /**
   * Starts the loop: flushes what a previous page left in the outbox, then leases. Every tick renews the lease of
   * the task on screen, or, with none, looks again for work that others gave back (no event announces that).
   */
  start(): void {
    this.#tickTimer = setInterval(() => void (this.current ? this.#renewCurrent() : this.sync()), TICK_EVERY_MS);
    void this.sync();
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#tickTimer);
    clearTimeout(this.#retryTimer);
  }

  /** The tab was hidden or shown: time away does not count as time spent on the task. */
  setVisible(visible: boolean): void {
    if (visible) this.#stopwatch.resume();
    else this.#stopwatch.pause();
  }

  /** Answers the task on screen; the next one shows at once and the answer is sent in the background. */
  submit(value: unknown): void {
    const task = this.current;
    if (!task) return;
    this.#enqueue({ kind: 'judgment', clientId: crypto.randomUUID(), slotId: task.slotId, value, timeSpentMs: this.timeSpentMs() });
    this.#setSessionLabeled(this.sessionLabeled + 1);
    this.feedback = null;
  }

  /** Gives the task on screen back, optionally flagging its document for reviewers. */
  skip(reason: string, flag?: { reason: FlagReason; note: string }): void {
    const task = this.current;
    if (!task) return;
    this.#enqueue({ kind: 'skip', clientId: crypto.randomUUID(), slotId: task.slotId, reason, ...(flag ? { flag } : {}) });
  }

  /**
   * Withdraws the latest answer and shows its task again. Needs the outbox sent first: the server undoes the latest
   * answer it has, which must be the latest one given.
   */
  async undo(): Promise<void> {
    await this.sync();
    if (this.pending.length > 0) {
      toasts.error('Undo needs a connection: your latest answers have not reached the server yet.');
      return;
    }
    try {
      const { task, previousValue } = await api.undoJudgment(this.projectId);
      this.#settled.delete(task.slotId);
      this.#show([task, ...this.tasks.filter((t) => t.slotId !== task.slotId)]);
      this.undone = { slotId: task.slotId, value: previousValue };
      this.status = 'ready';
      if (this.serverLabeled !== null) this.serverLabeled = Math.max(0, this.serverLabeled - 1);
      if (this.sessionLabeled > 0) this.#setSessionLabeled(this.sessionLabeled - 1);
      this.feedback = null;
    } catch (error) {
      toasts.error(error instanceof ApiError ? error.message : 'Undo failed.');
    }
  }

  /** Sends the outbox, then tops the queue up; concurrent calls share one run and trigger one more pass. */
  sync(): Promise<void> {
    if (this.#syncing) {
      this.#syncAgain = true;
      return this.#syncing;
    }
    this.#syncing = (async () => {
      try {
        do {
          this.#syncAgain = false;
          const flush = await this.#flush();
          // After answers were sent the lease also brings the server's count back, replays included.
          if (flush.empty && (flush.sent > 0 || this.tasks.length < PREFETCH)) await this.#refill();
        } while (this.#syncAgain && !this.#stopped);
      } finally {
        this.#syncing = null;
      }
    })();
    return this.#syncing;
  }

  /** How long the task on screen has been looked at. */
  timeSpentMs(): number {
    return this.current ? Math.min(this.#stopwatch.elapsedMs(), MAX_TIME_SPENT_MS) : 0;
  }

  #setSessionLabeled(n: number): void {
    this.sessionLabeled = n;
    this.#sessionStorage.setItem(this.#sessionKey, String(n));
  }

  /** Replaces the queue; the stopwatch belongs to the task on screen and restarts whenever another one comes up. */
  #show(tasks: LabelingTask[]): void {
    this.tasks = tasks;
    const slot = tasks[0]?.slotId ?? null;
    if (slot === this.#stopwatchSlot) return;
    this.#stopwatchSlot = slot;
    this.#stopwatch = new Stopwatch();
  }

  #enqueue(entry: OutboxEntry): void {
    this.#outbox.add(entry);
    this.#settled.add(entry.slotId);
    this.#reloadPending();
    this.#show(this.tasks.filter((t) => t.slotId !== entry.slotId));
    if (this.undone?.slotId === entry.slotId) this.undone = null;
    void this.sync();
  }

  #reloadPending(): void {
    this.pending = this.#outbox.entries();
  }

  /** Sends outbox entries oldest first: how many reached the server, and whether the outbox is empty afterwards. */
  async #flush(): Promise<{ sent: number; empty: boolean }> {
    clearTimeout(this.#retryTimer);
    let sent = 0;
    for (const entry of this.#outbox.entries()) {
      try {
        await this.#send(entry);
      } catch (error) {
        const status = error instanceof ApiError ? error.status : 0;
        const action = failureAction(status);
        if (action === 'drop') {
          toasts.error(`An answer could not be saved: ${error instanceof ApiError ? error.message : 'unexpected error'}`);
          if (entry.kind === 'judgment') this.#setSessionLabeled(Math.max(0, this.sessionLabeled - 1));
        } else {
          this.offline = status === 0;
          if (action === 'retry') this.#scheduleRetry();
          else toasts.error('Your session has ended: sign in again to send your answers.');
          return { sent, empty: false };
        }
      }
      sent += 1;
      this.#outbox.remove(entry.clientId);
      this.#reloadPending();
    }
    this.#failedAttempts = 0;
    this.offline = false;
    return { sent, empty: true };
  }

  async #send(entry: OutboxEntry): Promise<void> {
    if (entry.kind === 'skip') {
      await api.skipTask(entry.slotId, { clientId: entry.clientId, reason: entry.reason, flag: entry.flag });
      return;
    }
    const result = await api.submitJudgment(this.projectId, {
      clientId: entry.clientId,
      slotId: entry.slotId,
      value: entry.value,
      timeSpentMs: entry.timeSpentMs,
    });
    // A replay was counted when it first arrived, perhaps before the last lease answer: the next lease settles it.
    if (!result.replayed && this.serverLabeled !== null) this.serverLabeled += 1;
    if (result.feedback) this.feedback = result.feedback;
  }

  #scheduleRetry(): void {
    this.#failedAttempts += 1;
    clearTimeout(this.#retryTimer);
    if (!this.#stopped) this.#retryTimer = setTimeout(() => void this.sync(), retryDelayMs(this.#failedAttempts));
  }

  /**
   * Asks for PREFETCH tasks. The server answers with the leases the annotator already holds (renewed) before new
   * ones, so the answer replaces the local queue; the task on screen stays first so it never changes under the
   * annotator's hands.
   */
  async #refill(): Promise<void> {
    let answer;
    try {
      answer = await api.leaseTasks(this.projectId, PREFETCH);
    } catch (error) {
      const status = error instanceof ApiError ? error.status : 0;
      // The screen says so rather than show "Loading tasks" for as long as the server keeps failing.
      if (status !== 0) this.leaseError = error instanceof ApiError ? error.message : 'unexpected error';
      if (failureAction(status) === 'retry') {
        this.offline = status === 0;
        this.#scheduleRetry();
      } else {
        toasts.error(error instanceof ApiError ? error.message : 'Could not load tasks.');
      }
      return;
    }
    this.leaseError = null;
    this.serverLabeled = answer.labeled;
    const shown = this.current;
    const fresh = answer.tasks.filter((t) => !this.#settled.has(t.slotId) && t.slotId !== shown?.slotId);
    this.#show(shown && !this.#settled.has(shown.slotId) ? [shown, ...fresh] : fresh);
    this.status = this.tasks.length > 0 ? 'ready' : 'empty';
  }

  async #renewCurrent(): Promise<void> {
    const task = this.current;
    if (!task) return;
    try {
      await api.renewTask(task.slotId);
    } catch (error) {
      // Lost lease: the answer is still accepted until another annotator takes the slot, so the task stays; the server decides.
      if (error instanceof ApiError && error.status === 409) toasts.info('Your hold on this task lapsed; your answer will be kept unless someone else has taken the task.');
    }
  }
}

/**
 * The annotator's work loop for one project: the task on screen plus prefetched leases, an outbox of answers that
 * survives reloads and lost connections, lease renewal, undo and the session counters.
 *
 * Two loops talk to the server, each one request at a time and independently of the other: the outbox sends answers
 * in order, and the refill keeps enough leases in hand for the annotator's pace and the network's round trip
 * (prefetch.ts). Refilling only after every answer was sent made a quick annotator on a slow link wait for tasks
 * (issue 13): at 250 ms per label and 300 ms per request the outbox is never empty.
 */
import { api, ApiError } from '../lib/api.ts';
import { toasts } from '../lib/toasts.svelte.ts';
import type { FlagReason, GoldFeedback, LabelingTask } from '../lib/types.ts';
import { Outbox, outboxKey, type OutboxEntry } from './outbox.ts';
import { failureAction, retryDelayMs } from './delivery.ts';
import { Stopwatch } from './stopwatch.ts';
import { OneAtATime } from './one-at-a-time.ts';
import { leaseRequest, mergeLeased, MovingAverage, PaceMeter, prefetchDepth } from './prefetch.ts';

/** Well inside the server's 10-minute lease, so a long read never loses its task. */
const TICK_EVERY_MS = 2 * 60 * 1000;
/** The server refuses more (annotate.schema.ts). */
const MAX_TIME_SPENT_MS = 24 * 3600 * 1000;

export type QueueStatus = 'loading' | 'ready' | 'empty';

/** Work left in the project's open batches, as the last lease answer counted it. */
export type LabelingProgress = Awaited<ReturnType<typeof api.leaseTasks>>['progress'];

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
  /** The open batches' progress and the work left for this annotator. */
  progress = $state<LabelingProgress | null>(null);

  current = $derived<LabelingTask | null>(this.tasks[0] ?? null);
  /** Server count plus answers still in the outbox. */
  totalLabeled = $derived((this.serverLabeled ?? 0) + this.pending.filter((e) => e.kind === 'judgment').length);

  readonly #outbox: Outbox;
  readonly #sessionStorage: Storage;
  readonly #sessionKey: string;
  /** Slots answered or skipped in this page: a lease answer racing with the outbox must not bring them back. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping no view reads: reactivity would only cost
  readonly #settled = new Set<number>();
  readonly #flusher = new OneAtATime(() => this.#flush());
  readonly #refiller = new OneAtATime(() => this.#refill());
  readonly #pace = new PaceMeter();
  readonly #roundTrip = new MovingAverage();
  #stopwatch = new Stopwatch();
  #stopwatchSlot: number | null = null;
  /** Judgments on the way to the server, and a count bumped whenever one starts or ends: a lease answer's label count is taken only if no judgment crossed it. */
  #judgmentsInFlight = 0;
  #judgmentSends = 0;
  /** The server's count missed answers that crossed a lease call: ask again once the outbox is empty. */
  #labeledStale = false;
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
   * Starts the loops: sends what a previous page left in the outbox while leasing. Every tick renews the lease of
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
    await this.#flusher.run();
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

  /** Sends the outbox and tops the queue up, side by side; resolves when both are done. */
  async sync(): Promise<void> {
    await Promise.all([this.#flusher.run(), this.#refiller.run()]);
  }

  /** How long the task on screen has been looked at. */
  timeSpentMs(): number {
    return this.current ? Math.min(this.#stopwatch.elapsedMs(), MAX_TIME_SPENT_MS) : 0;
  }

  /** Tasks to hold for the annotator's pace over this network. */
  get depth(): number {
    return prefetchDepth(this.#pace.msPerTask, this.#roundTrip.value);
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
    this.#pace.answered(performance.now());
    this.#reloadPending();
    this.#show(this.tasks.filter((t) => t.slotId !== entry.slotId));
    if (this.undone?.slotId === entry.slotId) this.undone = null;
    void this.#flusher.run();
    if (this.tasks.length < this.depth) void this.#refiller.run();
  }

  #reloadPending(): void {
    this.pending = this.#outbox.entries();
  }

  /** Sends outbox entries oldest first, until it is empty or a failure says to wait. */
  async #flush(): Promise<void> {
    if (this.#stopped) return;
    clearTimeout(this.#retryTimer);
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
          return;
        }
      }
      this.#outbox.remove(entry.clientId);
      this.#reloadPending();
    }
    this.#failedAttempts = 0;
    this.offline = false;
    if (this.#labeledStale) await this.#recount();
  }

  async #send(entry: OutboxEntry): Promise<void> {
    if (entry.kind === 'skip') {
      await api.skipTask(entry.slotId, { clientId: entry.clientId, reason: entry.reason, flag: entry.flag });
      return;
    }
    this.#judgmentsInFlight += 1;
    this.#judgmentSends += 1;
    try {
      const result = await api.submitJudgment(this.projectId, {
        clientId: entry.clientId,
        slotId: entry.slotId,
        value: entry.value,
        timeSpentMs: entry.timeSpentMs,
      });
      // A replay was counted when it first arrived, perhaps before the last count: the next recount settles it.
      if (result.replayed) this.#labeledStale = true;
      else if (this.serverLabeled !== null) this.serverLabeled += 1;
      if (result.feedback) this.feedback = result.feedback;
    } finally {
      this.#judgmentsInFlight -= 1;
      this.#judgmentSends += 1;
    }
  }

  /**
   * Runs `read` for a label count and keeps the count only if no judgment was on the way meanwhile: one that was
   * may or may not be in it, and its own answer already adds it locally.
   */
  async #countedCleanly<T extends { labeled: number }>(read: () => Promise<T>): Promise<T> {
    const clean = this.#judgmentsInFlight === 0;
    const sends = this.#judgmentSends;
    const answer = await read();
    if (clean && sends === this.#judgmentSends) {
      this.serverLabeled = answer.labeled;
      this.#labeledStale = false;
    } else {
      this.#labeledStale = true;
      // The sends that spoiled this count may all be over already, their flush's recount long done: count again now.
      if (this.#judgmentsInFlight === 0) void this.#recount();
    }
    return answer;
  }

  async #recount(): Promise<void> {
    try {
      await this.#countedCleanly(() => api.myLabelCount(this.projectId));
    } catch {
      // The count is a courtesy; the next lease or recount brings it.
    }
  }

  #scheduleRetry(): void {
    this.#failedAttempts += 1;
    clearTimeout(this.#retryTimer);
    if (!this.#stopped) this.#retryTimer = setTimeout(() => void this.sync(), retryDelayMs(this.#failedAttempts));
  }

  /**
   * Leases until the queue holds `depth` tasks or the server has no more. The server answers with the leases the
   * annotator already holds (renewed) before new ones; see mergeLeased for how that meets the local queue.
   */
  async #refill(): Promise<void> {
    while (!this.#stopped) {
      if (this.tasks.length >= this.depth) return;
      const { count, known } = leaseRequest(this.depth, this.tasks, this.pending);
      const started = performance.now();
      let answer;
      try {
        answer = await this.#countedCleanly(() => api.leaseTasks(this.projectId, count, known));
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
      this.#roundTrip.add(performance.now() - started);
      this.leaseError = null;
      this.progress = answer.progress;
      // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a snapshot local to this call, never rendered
      const inHand = new Set(this.tasks.map((t) => t.slotId));
      this.#show(mergeLeased({ queue: this.tasks, leased: answer.tasks, held: answer.held, settled: this.#settled }));
      this.status = this.tasks.length > 0 ? 'ready' : 'empty';
      // Stop when the call brought nothing new: the server has no more (the next answer asks again).
      if (this.tasks.every((t) => inHand.has(t.slotId))) return;
    }
  }

  async #renewCurrent(): Promise<void> {
    const task = this.current;
    if (!task) return;
    try {
      await api.renewTask(task.slotId);
    } catch (error) {
      // Lost lease: the answer is still accepted until another annotator takes the slot, so the task stays; the server decides.
      if (error instanceof ApiError && error.status === 409)
        toasts.info('Your hold on this task lapsed; your answer will be kept unless someone else has taken the task.');
    }
  }
}

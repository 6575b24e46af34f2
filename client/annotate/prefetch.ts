/**
 * How many tasks the labeling screen keeps in hand, and how a lease answer merges into the tasks already held. Pure,
 * so the queue's choices are tested without a browser.
 */

/** Held before the annotator's pace and the network are known: the task on screen and three behind it. */
export const DEFAULT_DEPTH = 4;
/** Never fewer: a single slow lease must not empty the queue. */
export const MIN_DEPTH = 3;
/** Never more: each task held is a lease other annotators cannot take for up to ten minutes. */
export const MAX_DEPTH = 8;
/** The server answers at most this many tasks per lease call (annotate.schema.ts). */
export const MAX_LEASE_COUNT = 10;

/** A pause longer than this (a break, a long read) says nothing about the pace and is counted as this long. */
const MAX_INTERVAL_MS = 60_000;
/** Weight of the newest sample in the moving averages: recent pace matters, one outlier does not. */
const SMOOTHING = 0.3;

/** An exponentially weighted moving average of durations. */
export class MovingAverage {
  #value: number | null = null;

  constructor(private readonly cap = Number.POSITIVE_INFINITY) {}

  add(ms: number): void {
    const sample = Math.min(Math.max(0, ms), this.cap);
    this.#value = this.#value === null ? sample : this.#value + SMOOTHING * (sample - this.#value);
  }

  get value(): number | null {
    return this.#value;
  }
}

/** Measures the annotator's pace from the moments they answer (or skip) a task. */
export class PaceMeter {
  readonly #interval = new MovingAverage(MAX_INTERVAL_MS);
  #last: number | null = null;

  answered(at: number): void {
    if (this.#last !== null) this.#interval.add(at - this.#last);
    this.#last = at;
  }

  /** Milliseconds per task, or null before two answers. */
  get msPerTask(): number | null {
    return this.#interval.value;
  }
}

/**
 * Tasks to hold so the next one is always there: those the annotator gets through while one lease call is on the
 * way (with the call taking twice as long as usual to spare), plus the one on screen and one more, within bounds.
 */
export function prefetchDepth(msPerTask: number | null, roundTripMs: number | null): number {
  if (msPerTask === null || roundTripMs === null) return DEFAULT_DEPTH;
  const usedDuringCall = Math.ceil((2 * roundTripMs) / Math.max(msPerTask, 1));
  return Math.min(MAX_DEPTH, Math.max(MIN_DEPTH, usedDuringCall + 2));
}

/** Slots the client names as known in a lease call (annotate.schema.ts allows 100). */
export const MAX_KNOWN = 100;

/**
 * What a lease call asks for: the tasks missing from the depth wanted, naming the slots already in hand (the queue
 * first, then answers still in the outbox, whose leases the server holds until they arrive) so the server answers
 * only with tasks the client does not have.
 */
export function leaseRequest(depth: number, queue: readonly { slotId: number }[], unsent: readonly { slotId: number }[]) {
  return {
    count: Math.min(MAX_LEASE_COUNT, Math.max(1, depth - queue.length)),
    known: [...new Set([...queue, ...unsent].map((t) => t.slotId))].slice(0, MAX_KNOWN),
  };
}

/**
 * The queue after a lease answer. The task on screen stays first, so it never changes under the annotator's hands
 * (its answer is the server's to accept or refuse); the rest of the queue keeps only tasks the server says are still
 * held (a lease lost or a batch closed drops out), then the new tasks follow. Slots answered or skipped meanwhile
 * never come back.
 */
export function mergeLeased<T extends { slotId: number }>(props: {
  /** The queue as it is now, task on screen first. */
  queue: T[];
  /** The tasks the server answered with. */
  leased: T[];
  /** Every slot the server says the annotator holds. */
  held: readonly number[];
  /** Slots answered or skipped in this page. */
  settled: ReadonlySet<number>;
}): T[] {
  const { queue, leased, settled } = props;
  const held = new Set(props.held);
  const seen = new Set<number>();
  const merged: T[] = [];
  const keep = (task: T) => {
    if (settled.has(task.slotId) || seen.has(task.slotId)) return;
    seen.add(task.slotId);
    merged.push(task);
  };
  if (queue[0]) keep(queue[0]);
  queue
    .slice(1)
    .filter((t) => held.has(t.slotId))
    .forEach(keep);
  leased.forEach(keep);
  return merged;
}

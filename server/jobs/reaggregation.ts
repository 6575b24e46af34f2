import type { AppContext } from '../context.ts';
import { projectsAwaitingAggregation, requestAggregation } from '../db/queries/aggregation.ts';
import { aggregateProject } from '../commands/aggregate-project.ts';
import type { PeriodicJob } from './scheduler.ts';
import { describeForLog } from '../describe-error.ts';

const DEBOUNCE_MS = 2_000;

/**
 * A run waits at least this many times as long as the last one took: a project whose aggregation takes 1 s is then
 * aggregated at most every 3 s, so on a busy project the engine's share of the machine stays bounded.
 */
const SPACING = 2;

/**
 * Incremental re-aggregation: every committed judgment change marks its project as needing a run (in the
 * database, so any process may serve it), and a debounced run follows in this process. The periodic sweep picks
 * up requests another process left, or one that arrived while a run held the lock.
 */
export function startReaggregation(ctx: AppContext, debounceMs = DEBOUNCE_MS): { stop(): Promise<void>; sweep: PeriodicJob } {
  const timers = new Map<number, NodeJS.Timeout>();
  const running = new Set<Promise<unknown>>();
  /** Per project: the run in flight here (a timer firing meanwhile runs after it) and how long the last one took. */
  const current = new Map<number, Promise<unknown>>();
  const lastMs = new Map<number, number>();
  const run = (projectId: number): Promise<unknown> => {
    const p = (current.get(projectId) ?? Promise.resolve())
      .then(async () => {
        const started = performance.now();
        await aggregateProject(ctx, { projectId, onlyIfRequested: true });
        lastMs.set(projectId, performance.now() - started);
      })
      .catch((error) => console.error(`aggregation of project ${projectId} failed: ${describeForLog(error)}`))
      .finally(() => {
        running.delete(p);
        if (current.get(projectId) === p) current.delete(projectId);
      });
    running.add(p);
    current.set(projectId, p);
    return p;
  };
  const unsubscribe = ctx.events.subscribe((event) => {
    if (event.name !== 'judgments:changed') return;
    const { projectId } = event.payload;
    // A run is already scheduled here: it will read this change too, so neither the flag nor the timer is touched.
    if (timers.has(projectId)) return;
    timers.set(
      projectId,
      setTimeout(() => (timers.delete(projectId), void run(projectId)), Math.max(debounceMs, SPACING * (lastMs.get(projectId) ?? 0))),
    );
    requestAggregation(ctx.store.db, projectId).catch((error) => console.error(`could not request aggregation: ${describeForLog(error)}`));
  });
  return {
    async stop() {
      unsubscribe();
      for (const t of timers.values()) clearTimeout(t);
      await Promise.allSettled([...running]);
    },
    sweep: {
      name: 'reaggregation-sweep',
      everyMs: 15_000,
      run: async () => {
        for (const projectId of await projectsAwaitingAggregation(ctx.store.db)) await run(projectId);
      },
    },
  };
}

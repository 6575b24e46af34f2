import type { AppContext } from '../context.ts';
import { projectsAwaitingAggregation, requestAggregation } from '../db/queries/aggregation.ts';
import { aggregateProject } from '../commands/aggregate-project.ts';
import type { PeriodicJob } from './scheduler.ts';
import { describeForLog } from '../describe-error.ts';

const DEBOUNCE_MS = 2_000;

/**
 * Incremental re-aggregation: every committed judgment change marks its project as needing a run (in the
 * database, so any process may serve it), and a debounced run follows in this process. The periodic sweep picks
 * up requests another process left, or one that arrived while a run held the lock.
 */
export function startReaggregation(ctx: AppContext, debounceMs = DEBOUNCE_MS): { stop(): Promise<void>; sweep: PeriodicJob } {
  const timers = new Map<number, NodeJS.Timeout>();
  const running = new Set<Promise<unknown>>();
  const run = (projectId: number) => {
    const p = aggregateProject(ctx, { projectId, onlyIfRequested: true })
      .catch((error) => console.error(`aggregation of project ${projectId} failed: ${describeForLog(error)}`))
      .finally(() => running.delete(p));
    running.add(p);
    return p;
  };
  const unsubscribe = ctx.events.subscribe((event) => {
    if (event.name !== 'judgments:changed') return;
    const { projectId } = event.payload;
    // A run is already scheduled here: it will read this change too, so neither the flag nor the timer is touched.
    if (timers.has(projectId)) return;
    timers.set(
      projectId,
      setTimeout(() => (timers.delete(projectId), void run(projectId)), debounceMs),
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

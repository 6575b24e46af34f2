import { describeForLog } from '../describe-error.ts';

/** A periodic job: a name, an interval and the work. */
export interface PeriodicJob {
  name: string;
  everyMs: number;
  run(): Promise<unknown>;
}

/**
 * Runs jobs on their intervals, never overlapping a job with itself, and logs failures instead of crashing the
 * server. Returns a stop function that waits for running jobs to finish.
 */
export function startJobs(jobs: PeriodicJob[]): () => Promise<void> {
  const running = new Set<Promise<unknown>>();
  const timers = jobs.map((job) => {
    let busy = false;
    return setInterval(() => {
      if (busy) return;
      busy = true;
      const p = job
        .run()
        .catch((error) => console.error(`job ${job.name} failed: ${describeForLog(error)}`))
        .finally(() => {
          busy = false;
          running.delete(p);
        });
      running.add(p);
    }, job.everyMs);
  });
  return async () => {
    for (const t of timers) clearInterval(t);
    await Promise.allSettled([...running]);
  };
}

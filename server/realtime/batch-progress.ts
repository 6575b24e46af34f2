import type { AppContext } from '../context.ts';
import { batchProgress } from '../db/queries/batches.ts';
import { describeForLog } from '../describe-error.ts';

const THROTTLE_MS = 1000;

/**
 * Turns committed judgment changes and new leases into `batch:progress` events for the project's watchers, at most
 * one per batch per second however fast they arrive.
 */
export function startBatchProgressProcessor(ctx: AppContext): () => void {
  const pending = new Map<number, { projectId: number; timer: NodeJS.Timeout }>();
  const unsubscribe = ctx.events.subscribe((event) => {
    if (event.name === 'judgments:changed' && event.payload.batchId !== null) schedule(event.payload.projectId, event.payload.batchId);
    if (event.name === 'slots:leased') for (const batchId of event.payload.batchIds) schedule(event.payload.projectId, batchId);
  });

  function schedule(projectId: number, batchId: number) {
    if (pending.has(batchId)) return;
    const timer = setTimeout(() => {
      pending.delete(batchId);
      batchProgress(ctx.store.db, batchId)
        .then((progress) => ctx.events.publish({ name: 'batch:progress', payload: { projectId, ...progress }, to: { projectId } }))
        .catch((error) => console.error(`batch progress failed: ${describeForLog(error)}`));
    }, THROTTLE_MS);
    pending.set(batchId, { projectId, timer });
  }

  return () => {
    unsubscribe();
    for (const { timer } of pending.values()) clearTimeout(timer);
  };
}

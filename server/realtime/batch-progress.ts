import type { AppContext } from '../context.ts';
import { batchProgress } from '../db/queries/batches.ts';
import { describeForLog } from '../describe-error.ts';

const THROTTLE_MS = 1000;
/**
 * Once a batch goes quiet its progress is announced once more. Across processes an event published while another
 * process's LISTEN connection is reconnecting (a database restart or a terminated backend) never reaches that
 * process's watchers, and the last one of a burst would leave them on a stale count; the settled state, announced
 * again after the listeners are back, makes it good. Progress is a state, so hearing it twice is harmless.
 */
const SETTLE_MS = 5000;

/**
 * Turns committed judgment changes and new leases into `batch:progress` events for the project's watchers, at most
 * one per batch per second however fast they arrive, and once more when the batch has gone quiet.
 */
export function startBatchProgressProcessor(ctx: AppContext): () => void {
  const pending = new Map<number, NodeJS.Timeout>();
  const settling = new Map<number, NodeJS.Timeout>();
  const unsubscribe = ctx.events.subscribe((event) => {
    if (event.name === 'judgments:changed' && event.payload.batchId !== null) schedule(event.payload.projectId, event.payload.batchId);
    if (event.name === 'slots:leased') for (const batchId of event.payload.batchIds) schedule(event.payload.projectId, batchId);
  });

  function schedule(projectId: number, batchId: number) {
    clearTimeout(settling.get(batchId));
    settling.delete(batchId);
    if (pending.has(batchId)) return;
    const timer = setTimeout(() => {
      pending.delete(batchId);
      announce(projectId, batchId);
      settling.set(
        batchId,
        setTimeout(() => (settling.delete(batchId), announce(projectId, batchId)), SETTLE_MS),
      );
    }, THROTTLE_MS);
    pending.set(batchId, timer);
  }

  function announce(projectId: number, batchId: number) {
    batchProgress(ctx.store.db, batchId)
      .then((progress) => ctx.events.publish({ name: 'batch:progress', payload: { projectId, ...progress }, to: { projectId } }))
      .catch((error) => console.error(`batch progress failed: ${describeForLog(error)}`));
  }

  return () => {
    unsubscribe();
    for (const timer of [...pending.values(), ...settling.values()]) clearTimeout(timer);
  };
}

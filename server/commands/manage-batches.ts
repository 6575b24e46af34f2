import { findBatch, setBatchStatus } from '../db/queries/batches.ts';
import { appendAudit } from '../db/queries/audit.ts';
import { conflict, notFound } from '../errors.ts';
import { runCommand, type CommandContext } from './run-command.ts';

/**
 * Opens a draft (or reopens a closed) batch for labeling and tells every connected annotator there is new work.
 */
export function openBatch(ctx: CommandContext, props: { actorId: number; batchId: number }) {
  return changeStatus(ctx, props, 'open');
}

/** Closes a batch: no more leases are given from it; judgments already made stay. */
export function closeBatch(ctx: CommandContext, props: { actorId: number; batchId: number }) {
  return changeStatus(ctx, props, 'closed');
}

function changeStatus(ctx: CommandContext, props: { actorId: number; batchId: number }, status: 'open' | 'closed') {
  return runCommand(ctx, async (tx, emit) => {
    const batch = await findBatch(tx, props.batchId);
    if (!batch) throw notFound('Batch');
    if (batch.archivedAt) throw conflict('The batch is archived; restore it first');
    if (batch.status === status) throw conflict(`The batch is already ${status}`);
    if (status === 'open' && batch.channel !== 'inhouse') throw conflict('Crowd batches are published to their channel, not opened in the app');
    const updated = await setBatchStatus(tx, batch.id, status);
    await appendAudit(tx, { actorId: props.actorId, action: `batch.${status}`, target: `batch:${batch.id}` });
    if (status === 'open') {
      emit({
        name: 'batch:opened',
        payload: { projectId: batch.projectId, batchId: batch.id, name: batch.name },
        to: { annotators: true, projectId: batch.projectId },
      });
    }
    return updated;
  });
}

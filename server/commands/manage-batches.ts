import type { AppContext } from '../context.ts';
import { findBatch, setBatchStatus } from '../db/queries/batches.ts';
import { appendAudit } from '../db/queries/audit.ts';
import { conflict, notFound } from '../errors.ts';

/**
 * Opens a draft (or reopens a closed) batch for labeling and tells every connected annotator there is new work.
 */
export async function openBatch(ctx: AppContext, props: { actorId: number; batchId: number }) {
  return changeStatus(ctx, props, 'open');
}

/** Closes a batch: no more leases are given from it; judgments already made stay. */
export async function closeBatch(ctx: AppContext, props: { actorId: number; batchId: number }) {
  return changeStatus(ctx, props, 'closed');
}

async function changeStatus(ctx: AppContext, props: { actorId: number; batchId: number }, status: 'open' | 'closed') {
  const { db } = ctx.store;
  const batch = await findBatch(db, props.batchId);
  if (!batch) throw notFound('Batch');
  if (batch.status === status) throw conflict(`The batch is already ${status}`);
  if (status === 'open' && batch.channel !== 'inhouse') throw conflict('Crowd batches are published to their channel, not opened in the app');
  const updated = await setBatchStatus(db, batch.id, status);
  await appendAudit(db, { actorId: props.actorId, action: `batch.${status}`, target: `batch:${batch.id}` });
  if (status === 'open') {
    ctx.events.publish({
      name: 'batch:opened',
      payload: { projectId: batch.projectId, batchId: batch.id, name: batch.name },
      to: { annotators: true, projectId: batch.projectId },
    });
  }
  return updated;
}

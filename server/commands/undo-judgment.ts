import type { AppContext } from '../context.ts';
import type { Project, User } from '../db/schema.ts';
import { latestLabelOf, lockSlot, undoJudgment } from '../db/queries/judgments.ts';
import { findItem } from '../db/queries/items.ts';
import { findBatch } from '../db/queries/batches.ts';
import { conflict, notFound } from '../errors.ts';
import { workerKeyOfUser } from './worker-key.ts';
import { buildTasks, LEASE_TTL_SECONDS } from './lease-tasks.ts';

/**
 * Withdraws the annotator's latest judgment in a project while its item is still open to labeling (batch open, not
 * under review or adjudicated) and hands the same task back, leased again, to be answered anew.
 */
export async function undoLastJudgment(ctx: AppContext, props: { project: Project; user: User }) {
  const { db } = ctx.store;
  const result = await db.transaction(async (tx) => {
    const judgment = await latestLabelOf(tx, props.project.id, workerKeyOfUser(props.user.id));
    if (!judgment) throw notFound('A judgment to undo');
    const item = await findItem(tx, judgment.itemId);
    const batch = item && (await findBatch(tx, item.batchId));
    if (!item || !batch || batch.status !== 'open' || !['open', 'complete'].includes(item.status)) {
      throw conflict('That item is no longer open: it is closed, under review or adjudicated');
    }
    const slot = await lockSlot(tx, judgment.slotId!);
    await undoJudgment(tx, judgment, props.user.id, LEASE_TTL_SECONDS);
    return { judgment, item, swapped: slot.swapped };
  });
  ctx.events.publish({ name: 'judgments:changed', payload: { projectId: props.project.id, batchId: result.item.batchId, itemId: result.item.id } });
  const [task] = await buildTasks(db, props.project, [
    {
      slot_id: result.judgment.slotId!,
      item_id: result.item.id,
      batch_id: result.item.batchId,
      lease_expires_at: new Date(Date.now() + LEASE_TTL_SECONDS * 1000),
      swapped: result.swapped,
      document_id: result.item.documentId,
      is_gold: result.item.isGold,
    },
  ]);
  return { undone: result.judgment, task, previousValue: result.judgment.value };
}

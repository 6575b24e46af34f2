import type { AppContext } from '../context.ts';
import type { Project, User } from '../db/schema.ts';
import { latestLabelOf, lockSlot, undoJudgment } from '../db/queries/judgments.ts';
import { findItem } from '../db/queries/items.ts';
import { findBatch } from '../db/queries/batches.ts';
import { conflict, notFound } from '../errors.ts';
import { workerKeyOfUser } from './worker-key.ts';
import { buildTasks, LEASE_TTL_SECONDS } from './lease-tasks.ts';
import { runCommand } from './run-command.ts';

/**
 * Withdraws the annotator's latest judgment in a project while its item is still open to labeling (batch open, not
 * under review or adjudicated) and hands the same task back, leased again, to be answered anew.
 */
export async function undoLastJudgment(ctx: AppContext, props: { project: Project; user: User }) {
  const result = await runCommand(ctx, async (tx, emit) => {
    const judgment = await latestLabelOf(tx, props.project.id, workerKeyOfUser(props.user.id));
    if (!judgment) throw notFound('A judgment to undo');
    const item = await findItem(tx, judgment.itemId);
    const batch = item && (await findBatch(tx, item.batchId));
    if (!item || !batch || batch.status !== 'open' || !['open', 'complete'].includes(item.status)) {
      throw conflict('That item is no longer open: it is closed, under review or adjudicated');
    }
    const slot = await lockSlot(tx, judgment.slotId!);
    await undoJudgment(tx, judgment, props.user.id, LEASE_TTL_SECONDS);
    const [task] = await buildTasks(tx, props.project, [
      {
        slot_id: judgment.slotId!,
        item_id: item.id,
        batch_id: item.batchId,
        lease_expires_at: new Date(Date.now() + LEASE_TTL_SECONDS * 1000),
        swapped: slot.swapped,
        document_id: item.documentId,
        is_gold: item.isGold,
      },
    ]);
    // Only a changed field mapping can get here: the answer stays rather than hand back a task nobody can show.
    if ('problem' in task) throw conflict(`That task can no longer be shown: ${task.problem}`);
    emit({ name: 'judgments:changed', payload: { projectId: props.project.id, batchId: item.batchId, itemId: item.id } });
    return { judgment, task };
  });
  return { undone: result.judgment, task: result.task, previousValue: result.judgment.value };
}

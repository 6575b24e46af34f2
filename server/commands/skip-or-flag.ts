import { randomUUID } from 'node:crypto';
import type { AppContext } from '../context.ts';
import type { Project, User } from '../db/schema.ts';
import { findJudgmentByClientId, insertJudgment, lockSlot } from '../db/queries/judgments.ts';
import { releaseLease } from '../db/queries/leases.ts';
import { findItem, insertFlag, markItemForReview } from '../db/queries/items.ts';
import { conflict, notFound } from '../errors.ts';
import { workerKeyOfUser } from './worker-key.ts';
import { runCommand } from './run-command.ts';

export interface SkipTaskProps {
  project: Project;
  user: User;
  slotId: number;
  /** Client-generated id, so a retried skip is recorded once. */
  clientId?: string;
  reason: string;
  /** Also flag the document for reviewers (PII, harmful, broken). */
  flag?: { reason: 'pii' | 'harmful' | 'broken' | 'other'; note: string };
}

/**
 * Gives a task back: the slot returns to the pool for others, a skip is recorded so the annotator is not served the
 * item again, and a flag sends the item to the review queue.
 */
export async function skipTask(ctx: AppContext, props: SkipTaskProps) {
  const clientId = props.clientId ?? randomUUID();
  const workerKey = workerKeyOfUser(props.user.id);
  await runCommand(ctx, async (tx, emit) => {
    const slot = await lockSlot(tx, props.slotId);
    const item = slot && (await findItem(tx, Number(slot.item_id)));
    if (!slot || !item || item.projectId !== props.project.id) throw notFound('Task');
    const previous = await findJudgmentByClientId(tx, clientId);
    if (previous) {
      // Only the caller's own skip of this item is a retry; anyone else's record is left as it is (issue 12, finding 9).
      if (previous.workerKey !== workerKey || previous.kind !== 'skip' || previous.itemId !== item.id) {
        throw conflict('This client id was used by another submission');
      }
      return;
    }
    // An expired lease nobody else took is still the caller's, as for a submit.
    if (Number(slot.leased_by) !== props.user.id || slot.status === 'done') throw conflict('This task is not leased to you');
    await releaseLease(tx, Number(slot.id), props.user.id);
    await insertJudgment(tx, {
      clientId,
      itemId: item.id,
      projectId: props.project.id,
      userId: props.user.id,
      workerKey,
      kind: 'skip',
      skipReason: props.flag ? `flag:${props.flag.reason}` : props.reason,
    });
    if (props.flag) {
      await insertFlag(tx, { itemId: item.id, documentId: item.documentId, userId: props.user.id, reason: props.flag.reason, note: props.flag.note });
      await markItemForReview(tx, item.id);
    }
    emit({ name: 'judgments:changed', payload: { projectId: props.project.id, batchId: item.batchId, itemId: item.id } });
  });
  return { ok: true };
}

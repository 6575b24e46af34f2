import { randomUUID } from 'node:crypto';
import type { AppContext } from '../context.ts';
import type { Project, User } from '../db/schema.ts';
import { findJudgmentByClientId, insertJudgment, lockSlot } from '../db/queries/judgments.ts';
import { releaseLease } from '../db/queries/leases.ts';
import { findItem, insertFlag, markItemForReview } from '../db/queries/items.ts';
import { conflict, notFound } from '../errors.ts';
import { workerKeyOfUser } from './worker-key.ts';

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
  const result = await ctx.store.db.transaction(async (tx) => {
    if (await findJudgmentByClientId(tx, clientId)) return { replayed: true, itemId: 0, batchId: 0 };
    const slot = await lockSlot(tx, props.slotId);
    const item = slot && (await findItem(tx, Number(slot.item_id)));
    if (!slot || !item || item.projectId !== props.project.id) throw notFound('Task');
    if (Number(slot.leased_by) !== props.user.id || slot.status !== 'leased') throw conflict('This task is not leased to you');
    await releaseLease(tx, Number(slot.id), props.user.id);
    await insertJudgment(tx, {
      clientId,
      itemId: item.id,
      projectId: props.project.id,
      userId: props.user.id,
      workerKey: workerKeyOfUser(props.user.id),
      kind: 'skip',
      skipReason: props.flag ? `flag:${props.flag.reason}` : props.reason,
    });
    if (props.flag) {
      await insertFlag(tx, { itemId: item.id, documentId: item.documentId, userId: props.user.id, reason: props.flag.reason, note: props.flag.note });
      await markItemForReview(tx, item.id);
    }
    return { replayed: false, itemId: item.id, batchId: item.batchId };
  });
  if (!result.replayed) {
    ctx.events.publish({ name: 'judgments:changed', payload: { projectId: props.project.id, batchId: result.batchId, itemId: result.itemId } });
  }
  return { ok: true };
}

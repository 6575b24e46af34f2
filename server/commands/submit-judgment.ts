import type { AppContext } from '../context.ts';
import type { Project, User } from '../db/schema.ts';
import { completeItemIfFull, completeSlot, findJudgmentByClientId, insertJudgment, lockFreeSlotOfItem, lockSlotAndItem } from '../db/queries/judgments.ts';
import { findGoldAnswer } from '../db/queries/items.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import { describeZodError } from '../http/error-handler.ts';
import { findTaskType } from '../../tasks/registry.ts';
import { workerKeyOfUser } from './worker-key.ts';
import { isUniqueViolation } from './lease-tasks.ts';

export interface SubmitJudgmentProps {
  project: Project;
  user: User;
  /** Client-generated id: a retry with the same id returns the first result. */
  clientId: string;
  /** The leased slot being answered. */
  slotId: number;
  /** The judgment, checked against the task type's judgment schema. */
  value: unknown;
  /** Time the task was on screen. */
  timeSpentMs: number;
}

/**
 * Records an annotator's judgment for a leased slot, exactly once. A retried submit (same client id) returns the
 * first result. When the lease expired and another annotator took the slot, the judgment moves to another free
 * slot of the same item if there is one, so late work is not lost; otherwise it is refused with 409.
 * In training mode, a gold item answers with feedback.
 */
export async function submitJudgment(ctx: AppContext, props: SubmitJudgmentProps) {
  const { db } = ctx.store;
  const workerKey = workerKeyOfUser(props.user.id);
  const taskType = findTaskType(props.project.taskType)!;
  const result = await db.transaction(async (tx) => {
    // Lock first, then look for a replay: a concurrent retry waits here and then sees the first one's commit.
    const locked = await lockSlotAndItem(tx, props.slotId);
    if (!locked || locked.item.projectId !== props.project.id) throw notFound('Task');
    const { item } = locked;
    let slot = locked.slot;
    const previous = await findJudgmentByClientId(tx, props.clientId);
    if (previous) {
      if (previous.workerKey !== workerKey) throw conflict('This client id was used by another submission');
      return { judgment: previous, replayed: true, itemComplete: false, batchId: null as number | null };
    }
    if (slot.leasedBy === props.user.id && slot.status === 'done') throw conflict('You already submitted this task');
    // The display order the annotator saw is the leased slot's, even if the judgment lands in another slot.
    const seenSwapped = slot.swapped;
    if (!(slot.status === 'leased' && slot.leasedBy === props.user.id)) {
      const free = await lockFreeSlotOfItem(tx, item.id);
      if (!free) throw conflict('Your lease on this task expired and the item has all the judgments it needs');
      slot = { ...slot, id: Number(free.id) };
    }
    const parsed = taskType.judgmentSchema(props.project.config as never).safeParse(props.value);
    if (!parsed.success) throw badRequest(`value: ${describeZodError(parsed.error)}`);
    let judgment;
    try {
      judgment = await insertJudgment(tx, {
        clientId: props.clientId,
        slotId: slot.id,
        itemId: item.id,
        projectId: props.project.id,
        userId: props.user.id,
        workerKey,
        kind: 'label',
        value: parsed.data,
        timeSpentMs: props.timeSpentMs,
        swapped: seenSwapped,
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('You already judged this item');
      throw error;
    }
    await completeSlot(tx, slot.id, props.user.id);
    const itemComplete = await completeItemIfFull(tx, item.id);
    let feedback = null;
    if (props.project.trainingMode && item.isGold) {
      const gold = await findGoldAnswer(tx, props.project.id, item.documentId);
      if (gold) feedback = { ...taskType.compareWithGold(parsed.data as never, gold.answer as never, props.project.config as never), expected: gold.answer };
    }
    return { judgment, replayed: false, itemComplete, feedback, batchId: item.batchId };
  });
  if (!result.replayed) {
    ctx.events.publish({ name: 'judgments:changed', payload: { projectId: props.project.id, batchId: result.batchId, itemId: result.judgment.itemId } });
  }
  return result;
}

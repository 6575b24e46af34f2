import type { AppContext } from '../context.ts';
import type { Project, User } from '../db/schema.ts';
import { completeItemIfFull, completeSlot, findJudgmentByClientId, insertJudgment, lockSlotAndItem } from '../db/queries/judgments.ts';
import { findGoldAnswer } from '../db/queries/items.ts';
import { AppError, badRequest, conflict, notFound } from '../errors.ts';
import { describeZodError } from '../http/error-handler.ts';
import { projectTaskType } from '../../tasks/registry.ts';
import { workerKeyOfUser } from './worker-key.ts';
import { isUniqueViolation } from './lease-tasks.ts';
import { runCommand } from './run-command.ts';

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
 * Records an annotator's judgment for the slot they hold, exactly once. A retried submit (same client id) returns
 * the first result, whatever happened to the slot or batch since. In training mode, a gold item answers with feedback.
 */
export async function submitJudgment(ctx: AppContext, props: SubmitJudgmentProps) {
  const workerKey = workerKeyOfUser(props.user.id);
  const taskType = projectTaskType(props.project)!;
  return runCommand(ctx, async (tx, emit) => {
    // Lock first, then look for a replay: a concurrent retry waits here and then sees the first one's commit.
    const locked = await lockSlotAndItem(tx, props.slotId);
    if (!locked || locked.item.projectId !== props.project.id || locked.batch.projectId !== props.project.id) throw notFound('Task');
    const { slot, item, batch } = locked;
    const previous = await findJudgmentByClientId(tx, props.clientId);
    if (previous) {
      if (previous.workerKey !== workerKey) throw conflict('This client id was used by another submission');
      // The first attempt may have committed and then lost its connection before announcing it (a 503 at COMMIT):
      // announced again, the batch's progress and re-aggregation still hear of it; both are idempotent.
      emit({ name: 'judgments:changed', payload: { projectId: props.project.id, batchId: item.batchId, itemId: item.id } });
      return { judgment: previous, replayed: true, itemComplete: false, feedback: null };
    }
    if (batch.status !== 'open') throw new AppError(409, 'batch_not_open', 'This task is not open for labeling: its batch is not open');
    // The rule (issue 12, finding 3): a judgment lands only in the slot its author holds, so gold feedback goes only
    // to whoever was served the item. A lease that expired stays its holder's until someone else takes the slot (the
    // expiry job keeps the last holder): a late submit then re-claims it, atomically under the row lock, so late work
    // is kept. Once another annotator has leased the slot, the late submit is refused with 'lease_expired' and never
    // moves to another slot of the item, which would hand out slots nobody was served.
    if (slot.channel !== 'inhouse' || slot.leasedBy === null) throw new AppError(409, 'not_leased', 'This task is not leased to you: lease it first');
    if (slot.leasedBy !== props.user.id)
      throw new AppError(409, 'lease_expired', 'Your lease on this task expired and another annotator has taken it');
    if (slot.status === 'done') throw conflict('You already submitted this task');
    const parsed = taskType.judgmentSchema.safeParse(props.value);
    if (!parsed.success) throw badRequest(`value: ${describeZodError(parsed.error)}`);
    // The order recorded is the one the server served for this slot; an answer claiming another is refused.
    const orderProblem = taskType.displayOrderProblem(parsed.data, slot.swapped);
    if (orderProblem) throw new AppError(409, 'display_order_mismatch', `value: ${orderProblem}`);
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
        swapped: slot.swapped,
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
      if (gold) feedback = { ...taskType.compareWithGold(parsed.data, gold.answer), expected: gold.answer };
    }
    emit({ name: 'judgments:changed', payload: { projectId: props.project.id, batchId: item.batchId, itemId: item.id } });
    return { judgment, replayed: false, itemComplete, feedback };
  });
}

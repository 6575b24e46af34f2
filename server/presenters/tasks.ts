import type { buildTasks } from '../commands/lease-tasks.ts';
import type { JudgmentRow } from '../db/queries/judgments.ts';

type Task = Awaited<ReturnType<typeof buildTasks>>[number];

/**
 * A task as the annotator sees it. Gold items must be indistinguishable from others, so `isGold` is dropped here;
 * document text is data and travels as a string for the client to render as text.
 */
export function presentTask(task: Task) {
  return {
    slotId: task.slotId,
    itemId: task.itemId,
    leaseExpiresAt: task.leaseExpiresAt,
    swapped: task.swapped,
    payload: task.payload,
    document: {
      externalId: task.document.externalId,
      source: task.document.source,
      url: task.document.url,
      lang: task.document.lang,
      tokenEstimate: task.document.tokenEstimate,
      meta: task.document.meta,
    },
  };
}

/** A judgment as its author sees it. */
export function presentOwnJudgment(judgment: JudgmentRow) {
  return { id: judgment.id, clientId: judgment.clientId, itemId: judgment.itemId, value: judgment.value, status: judgment.status, createdAt: judgment.createdAt };
}

/** A judgment as a reviewer sees it, side by side with others. */
export function presentJudgmentForReview(judgment: JudgmentRow) {
  return {
    id: judgment.id,
    workerKey: judgment.workerKey,
    kind: judgment.kind,
    value: judgment.value,
    skipReason: judgment.skipReason,
    timeSpentMs: judgment.timeSpentMs,
    status: judgment.status,
    createdAt: judgment.createdAt,
  };
}

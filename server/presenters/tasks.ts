import type { Task } from '../commands/lease-tasks.ts';
import type { submitJudgment } from '../commands/submit-judgment.ts';
import type { undoLastJudgment } from '../commands/undo-judgment.ts';
import type { JudgmentRow } from '../db/queries/judgments.ts';
import type { reviewQueue } from '../db/queries/items.ts';
import type { DocumentRow, Project } from '../db/schema.ts';
import { tryDocumentPayload } from '../commands/document-payload.ts';
import { presentDocument } from './projects.ts';

type ReviewQueueRow = Awaited<ReturnType<typeof reviewQueue>>[number];

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
  return {
    id: judgment.id,
    clientId: judgment.clientId,
    itemId: judgment.itemId,
    value: judgment.value,
    status: judgment.status,
    createdAt: judgment.createdAt,
  };
}

/** What a submit answers: the judgment, whether this was a retry of an earlier submit, and training-mode feedback. */
export function presentSubmitResult(result: Awaited<ReturnType<typeof submitJudgment>>) {
  return {
    judgment: presentOwnJudgment(result.judgment),
    replayed: result.replayed,
    feedback: result.replayed ? null : (result.feedback ?? null),
  };
}

/** What an undo answers: the task handed back to be answered anew, and the answer withdrawn. */
export function presentUndoResult(result: Awaited<ReturnType<typeof undoLastJudgment>>) {
  return { task: presentTask(result.task), previousValue: result.previousValue };
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

/**
 * An item awaiting review: its flags, the document, every judgment, and the payload the task type builds from the
 * document, so the reviewer answers with the same labeler annotators used. An item withdrawn as broken has no
 * payload (null): its 'broken' flag says what the document lacks.
 */
export function presentReviewItem(project: Project, q: ReviewQueueRow, doc: DocumentRow, judgments: JudgmentRow[]) {
  return {
    itemId: Number(q.item_id),
    batchId: Number(q.batch_id),
    isGold: q.is_gold,
    flags: q.flags ?? [],
    document: presentDocument(doc),
    payload: payloadOrNull(tryDocumentPayload(project, doc)),
    judgments: judgments.map(presentJudgmentForReview),
  };
}

function payloadOrNull(built: ReturnType<typeof tryDocumentPayload>): unknown {
  return 'payload' in built ? built.payload : null;
}

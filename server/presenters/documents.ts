import type { DocumentRow, Role } from '../db/schema.ts';
import type { itemsOfDocument, judgmentsOfDocument } from '../db/queries/documents.ts';
import { presentDocument } from './projects.ts';
import { presentJudgmentForReview } from './tasks.ts';

type DocumentItem = Awaited<ReturnType<typeof itemsOfDocument>>[number];
type DocumentJudgment = Awaited<ReturnType<typeof judgmentsOfDocument>>[number];

const STAFF: readonly Role[] = ['admin', 'reviewer'];

/**
 * Who judged, as staff reading a document see it: a staff member by name (their judgments are accountable work),
 * annotators and crowd workers by their pseudonymous worker key only, as aggregation and exports know them.
 */
function judgeOf(row: DocumentJudgment): string {
  return row.userName !== null && row.userRole !== null && STAFF.includes(row.userRole) ? row.userName : row.judgment.workerKey;
}

/**
 * A document with everything done with it: its full text and metadata, each item made of it (batch, status,
 * aggregate result, adjudicated answer) and every judgment of those items with its status (pending, undone and
 * rejected ones too, so the history is whole). For staff only: it shows every annotator's answers.
 */
export function presentDocumentDetail(doc: DocumentRow, docItems: DocumentItem[], docJudgments: DocumentJudgment[]) {
  return {
    document: { ...presentDocument(doc), createdAt: doc.createdAt, importId: doc.importId },
    items: docItems.map((item) => ({
      id: item.id,
      batchId: item.batchId,
      batchName: item.batchName,
      status: item.status,
      isGold: item.isGold,
      targetK: item.targetK,
      createdAt: item.createdAt,
      aggregate: item.aggregate,
      adjudicatedAnswer: item.adjudicatedAnswer,
      judgments: docJudgments
        .filter((row) => row.judgment.itemId === item.id)
        .map((row) => ({ ...presentJudgmentForReview(row.judgment), judgedBy: judgeOf(row) })),
    })),
  };
}

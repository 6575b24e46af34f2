import { documentPayload } from './document-payload.ts';
import { randomBytes } from 'node:crypto';
import type { AppContext } from '../context.ts';
import {
  countSubmissionsOfHit,
  findHitByExternalId,
  insertCrowdSubmission,
  lockHit,
  resetSubmission,
  submissionOfHitAssignment,
} from '../db/queries/crowd.ts';
import { findProject } from '../db/queries/projects.ts';
import { documentsByIds } from '../db/queries/items.ts';
import { insertJudgment } from '../db/queries/judgments.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import { hitTakesSubmissions, submissionCapOfHit } from '../crowd/submission-bounds.ts';
import { runCommand } from './run-command.ts';
import { describeZodError } from '../http/error-handler.ts';
import { crowdSwapped, PREVIEW_ASSIGNMENT_ID } from '../crowd/display-order.ts';
import { projectTaskType } from '../../tasks/registry.ts';
import { rowsOf } from '../db/store.ts';
import { sql } from 'drizzle-orm';

async function loadHit(ctx: AppContext, hitExternalId: string) {
  const { db } = ctx.store;
  const hit = await findHitByExternalId(db, hitExternalId);
  if (!hit) throw notFound('HIT');
  const project = (await findProject(db, hit.projectId))!;
  return { hit, project, taskType: projectTaskType(project)!, itemIds: (hit.itemIds as number[]).map(Number) };
}

/**
 * The tasks of a HIT as a crowd worker sees them (read-only while previewing). Nothing here is trusted to say who
 * the worker is; it only shows work.
 */
export async function crowdHitTasks(ctx: AppContext, props: { hitExternalId: string; assignmentId: string }) {
  const { hit, project, itemIds } = await loadHit(ctx, props.hitExternalId);
  const items = await rowsOf<{ id: number; document_id: number }>(
    ctx.store.db,
    sql`select id, document_id from items where id = any(${sql.param(itemIds)}::bigint[])`,
  );
  const docs = new Map(
    (
      await documentsByIds(
        ctx.store.db,
        items.map((i) => Number(i.document_id)),
      )
    ).map((d) => [d.id, d]),
  );
  const byId = new Map(items.map((i) => [Number(i.id), docs.get(Number(i.document_id))!]));
  const preview = props.assignmentId === PREVIEW_ASSIGNMENT_ID;
  return {
    preview,
    hitId: hit.externalId,
    project: { name: project.name, taskType: project.taskType, config: project.config },
    tasks: itemIds.map((itemId) => {
      const doc = byId.get(itemId)!;
      return {
        itemId,
        swapped: crowdSwapped(props.assignmentId, itemId),
        payload: documentPayload(project, doc),
        document: { externalId: doc.externalId, source: doc.source, url: doc.url, lang: doc.lang, tokenEstimate: doc.tokenEstimate, meta: doc.meta },
      };
    }),
  };
}

export interface CrowdSubmissionProps {
  hitExternalId: string;
  assignmentId: string;
  /** As the worker's browser claims; replaced by the channel's word when the assignment is confirmed. */
  workerId: string;
  judgments: { itemId: number; value: unknown; timeSpentMs: number }[];
}

/**
 * Stores a crowd worker's answers for every item of a HIT as pending judgments under a random token. The browser
 * then submits the token to the channel inside its answer; the judgments count only when sync finds an assignment
 * the channel confirms, carrying this token. Anyone may call this, so what it stores is bounded: one submission per
 * assignment (sending again replaces the answers and keeps the token, which also serves an assignment id the channel
 * handed to a next worker), at most the HIT's cap of submissions, and nothing once no assignment can be submitted.
 * @returns the token, and whether this created the submission (false: it replaced the answers of an earlier one)
 */
export async function recordCrowdSubmission(ctx: AppContext, props: CrowdSubmissionProps) {
  if (props.assignmentId === PREVIEW_ASSIGNMENT_ID) throw badRequest('Accept the HIT before submitting');
  const { hit, project, taskType, itemIds } = await loadHit(ctx, props.hitExternalId);
  if (!hitTakesSubmissions(hit, new Date())) throw conflict('This HIT no longer takes work: none of its assignments can still be submitted');
  const answered = new Map(props.judgments.map((j) => [j.itemId, j]));
  const missing = itemIds.filter((id) => !answered.has(id));
  const foreign = props.judgments.filter((j) => !itemIds.includes(j.itemId)).map((j) => j.itemId);
  if (answered.size < props.judgments.length) throw badRequest('judgments: an item is answered more than once');
  if (foreign.length) throw badRequest(`judgments: items ${foreign.join(', ')} are not part of this HIT`);
  if (missing.length) throw badRequest(`judgments: items ${missing.join(', ')} of this HIT are not answered`);
  const values = props.judgments.map((j, index) => {
    const parsed = taskType.judgmentSchema.safeParse(j.value);
    if (!parsed.success) throw badRequest(`judgments.${index}.value: ${describeZodError(parsed.error)}`);
    // The order recorded is the one the worker page served; an answer claiming another is refused (issue 12, finding 9).
    const orderProblem = taskType.displayOrderProblem(parsed.data, crowdSwapped(props.assignmentId, j.itemId));
    if (orderProblem) throw badRequest(`judgments.${index}.value: ${orderProblem}`);
    return { ...j, value: parsed.data };
  });
  return runCommand(ctx, async (tx) => {
    await lockHit(tx, hit.id);
    const earlier = await submissionOfHitAssignment(tx, hit.id, props.assignmentId);
    if (earlier?.confirmedAt) throw conflict('The work of this assignment was already received and confirmed');
    if (!earlier && (await countSubmissionsOfHit(tx, hit.id)) >= submissionCapOfHit(hit.maxAssignments)) {
      throw conflict('This HIT has received all the submissions it can take; please return it');
    }
    if (earlier) await resetSubmission(tx, earlier.id, props.workerId);
    const submission =
      earlier ??
      (await insertCrowdSubmission(tx, {
        token: randomBytes(18).toString('base64url'),
        hitId: hit.id,
        externalAssignmentId: props.assignmentId,
        claimedWorkerId: props.workerId,
      }));
    const { token } = submission;
    for (const j of values) {
      await insertJudgment(tx, {
        clientId: `${token}:${j.itemId}`,
        itemId: j.itemId,
        projectId: project.id,
        workerKey: `pending:${token}`,
        crowdSubmissionId: submission.id,
        kind: 'label',
        value: j.value,
        timeSpentMs: j.timeSpentMs,
        swapped: crowdSwapped(props.assignmentId, j.itemId),
        status: 'pending',
      });
    }
    return { token, created: !earlier };
  });
}

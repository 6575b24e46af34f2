import { Router } from 'express';
import { endpoint } from '../http/endpoint.ts';
import { adjudicateBody, goldBody, itemParams, leaseBody, reviewQuery, skipBody, slotParams, submitBody } from './annotate.schema.ts';
import { projectParams } from './projects.schema.ts';
import { leaseTasks, LEASE_TTL_SECONDS } from '../commands/lease-tasks.ts';
import { submitJudgment } from '../commands/submit-judgment.ts';
import { undoLastJudgment } from '../commands/undo-judgment.ts';
import { skipTask } from '../commands/skip-or-flag.ts';
import { adjudicateItem, setGoldAnswers } from '../commands/gold-and-review.ts';
import { renewLease } from '../db/queries/leases.ts';
import { labelingProgressFor } from '../commands/labeling-progress.ts';
import { countLabelsOf, judgmentsOfItems } from '../db/queries/judgments.ts';
import { countReviewQueue, documentsByIds, findItem, findItemBySlot, reviewQueue } from '../db/queries/items.ts';
import { presentReviewItem, presentSubmitResult, presentTask, presentUndoResult } from '../presenters/tasks.ts';
import { workerKeyOfUser } from '../commands/worker-key.ts';
import { conflict, notFound } from '../errors.ts';
import { loadProject } from './load-project.ts';
import type { AppContext } from '../context.ts';

/** The annotator's loop (lease, submit, skip, flag, undo) and the reviewer's queue. */
export function annotateRoutes(ctx: AppContext): Router {
  const { db } = ctx.store;
  const router = Router();

  router.post(
    '/projects/:projectId/tasks/lease',
    endpoint('annotate', { params: projectParams, body: leaseBody }, async ({ params, body, user, req }) => {
      const project = await loadProject(db, params.projectId, req);
      const { tasks, held } = await leaseTasks(ctx, { project, user, count: body.count, known: new Set(body.known) });
      const workerKey = workerKeyOfUser(user.id);
      const { labeled, progress } = await labelingProgressFor(ctx, project.id, user.id, workerKey);
      return { tasks: tasks.map(presentTask), held, labeled, progress };
    }),
  );
  router.get(
    '/projects/:projectId/labeling',
    endpoint('annotate', { params: projectParams }, async ({ params, user }) => {
      await loadProject(db, params.projectId);
      return { labeled: await countLabelsOf(db, params.projectId, workerKeyOfUser(user.id)) };
    }),
  );
  router.post(
    '/tasks/:slotId/renew',
    endpoint('annotate', { params: slotParams }, async ({ params, user }) => {
      const leaseExpiresAt = await renewLease(db, params.slotId, user.id, LEASE_TTL_SECONDS);
      if (!leaseExpiresAt) throw conflict('This task is no longer leased to you');
      return { leaseExpiresAt };
    }),
  );
  router.post(
    '/tasks/:slotId/skip',
    endpoint('annotate', { params: slotParams, body: skipBody }, async ({ params, body, user }) => {
      const item = await findItemBySlot(db, params.slotId);
      if (!item) throw notFound('Task');
      const project = await loadProject(db, item.projectId);
      return skipTask(ctx, { project, user, slotId: params.slotId, clientId: body.clientId, reason: body.reason, flag: body.flag });
    }),
  );
  router.post(
    '/projects/:projectId/judgments',
    endpoint('annotate', { params: projectParams, body: submitBody }, async ({ params, body, user, req, res }) => {
      const project = await loadProject(db, params.projectId, req);
      const result = await submitJudgment(ctx, { project, user, ...body });
      res.status(result.replayed ? 200 : 201);
      return presentSubmitResult(result);
    }),
  );
  router.post(
    '/projects/:projectId/judgments/undo',
    endpoint('annotate', { params: projectParams }, async ({ params, user }) => {
      const project = await loadProject(db, params.projectId);
      const result = await undoLastJudgment(ctx, { project, user });
      return presentUndoResult(result);
    }),
  );

  router.get(
    '/projects/:projectId/review',
    endpoint('review', { params: projectParams, query: reviewQuery }, async ({ params, query }) => {
      const project = await loadProject(db, params.projectId);
      const [queue, total] = await Promise.all([reviewQueue(db, params.projectId, query), countReviewQueue(db, params.projectId)]);
      const itemIds = queue.map((q) => Number(q.item_id));
      const [docs, judgments] = await Promise.all([
        documentsByIds(
          db,
          queue.map((q) => Number(q.document_id)),
        ),
        judgmentsOfItems(db, itemIds),
      ]);
      const docById = new Map(docs.map((d) => [d.id, d]));
      return {
        items: queue.map((q) =>
          presentReviewItem(
            project,
            q,
            docById.get(Number(q.document_id))!,
            judgments.filter((j) => j.itemId === Number(q.item_id)),
          ),
        ),
        /** Every item waiting for review, over all pages. */
        total,
        nextAfter: queue.length === query.limit ? Number(queue[queue.length - 1].item_id) : null,
      };
    }),
  );
  router.post(
    '/items/:itemId/adjudicate',
    endpoint('review', { params: itemParams, body: adjudicateBody }, async ({ params, body, user }) => {
      const item = await findItem(db, params.itemId);
      if (!item) throw notFound('Item');
      const project = await loadProject(db, item.projectId);
      return adjudicateItem(ctx, { project, user, itemId: item.id, answer: body.answer, promoteToGold: body.promoteToGold });
    }),
  );
  router.put(
    '/projects/:projectId/gold',
    endpoint('review', { params: projectParams, body: goldBody }, async ({ params, body, user }) => {
      const project = await loadProject(db, params.projectId);
      return setGoldAnswers(ctx, { project, user, answers: body.answers });
    }),
  );

  return router;
}

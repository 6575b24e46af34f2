import { Router } from 'express';
import { z } from 'zod';
import { endpoint } from '../http/endpoint.ts';
import { projectParams } from './projects.schema.ts';
import { batchParams } from './batches.schema.ts';
import { loadProject } from './load-project.ts';
import { crowdChannelOf } from '../crowd/channel-of.ts';
import { estimateCrowdBatch, publishCrowdBatch, publishOptionsSchema } from '../commands/publish-crowd.ts';
import { syncCrowdProject } from '../commands/sync-crowd.ts';
import { blockCrowdWorker, decideHeldAssignment, expireCrowdBatch } from '../commands/manage-crowd.ts';
import { crowdStatus, heldAssignments, listHits } from '../db/queries/crowd.ts';
import type { AppContext } from '../context.ts';

const estimateBody = publishOptionsSchema.pick({ itemsPerHit: true, reward: true, masters: true, splitAtFeeCliff: true });
const decideBody = z.object({ decision: z.enum(['approve', 'reject']), reason: z.string().min(1).max(1000) });
const blockBody = z.object({ reason: z.string().min(1).max(1000) });

/** Publishing to the crowd channel, syncing, review, payments and the cost picture. */
export function crowdRoutes(ctx: AppContext): Router {
  const { db } = ctx.store;
  const router = Router();
  const channel = () => crowdChannelOf(ctx);
  router.get('/crowd/balance', endpoint('crowd.manage', {}, async () => ({ balance: await channel().balance(), endpoint: ctx.config.MTURK_ENDPOINT })));
  router.post(
    '/batches/:batchId/crowd/estimate',
    endpoint('crowd.manage', { params: batchParams, body: estimateBody }, ({ params, body }) => estimateCrowdBatch(ctx, { batchId: params.batchId, ...body })),
  );
  router.post(
    '/batches/:batchId/crowd/publish',
    endpoint('crowd.manage', { params: batchParams, body: publishOptionsSchema }, ({ params, body, user }) =>
      publishCrowdBatch(ctx, channel(), { actorId: user.id, batchId: params.batchId, options: body }),
    ),
  );
  router.post(
    '/batches/:batchId/crowd/expire',
    endpoint('crowd.manage', { params: batchParams }, ({ params, user }) => expireCrowdBatch(ctx, channel(), { actorId: user.id, batchId: params.batchId })),
  );
  router.post(
    '/projects/:projectId/crowd/sync',
    endpoint('crowd.manage', { params: projectParams }, ({ params }) => syncCrowdProject(ctx, channel(), { projectId: params.projectId })),
  );
  router.get(
    '/projects/:projectId/crowd/status',
    endpoint('crowd.manage', { params: projectParams }, async ({ params }) => {
      await loadProject(db, params.projectId);
      const [hits, status] = await Promise.all([listHits(db, { projectId: params.projectId }), crowdStatus(db, params.projectId)]);
      return {
        hits: hits.map((h) => ({ id: h.id, batchId: h.batchId, externalId: h.externalId, status: h.status, purpose: h.purpose, maxAssignments: h.maxAssignments, rewardCents: h.rewardCents, itemIds: h.itemIds })),
        assignments: status.assignments,
        ledger: { rewardCents: status.ledger.reward, feeCents: status.ledger.fee, bonusCents: status.ledger.bonus, totalCents: status.ledger.reward + status.ledger.fee + status.ledger.bonus },
        workers: status.workers.map((w) => ({ workerId: w.worker_id, assignments: w.assignments, approved: w.approved, rejected: w.rejected, bonusCents: w.bonus_cents, blocked: w.blocked })),
      };
    }),
  );
  router.get(
    '/projects/:projectId/crowd/held',
    endpoint('crowd.manage', { params: projectParams }, async ({ params }) => ({
      assignments: (await heldAssignments(db, params.projectId)).map((a) => ({
        id: Number(a.id),
        externalId: a.external_id,
        workerId: a.worker_id,
        reason: a.decision_reason,
        goldCorrect: a.gold_correct,
        goldTotal: a.gold_total,
      })),
    })),
  );
  router.post(
    '/crowd/assignments/:assignmentId/decide',
    endpoint('crowd.manage', { params: z.object({ assignmentId: z.coerce.number().int().positive() }), body: decideBody }, ({ params, body, user }) =>
      decideHeldAssignment(ctx, channel(), { actorId: user.id, assignmentId: params.assignmentId, ...body }),
    ),
  );
  router.post(
    '/crowd/workers/:workerId/block',
    endpoint('crowd.manage', { params: z.object({ workerId: z.string().min(1).max(100) }), body: blockBody }, ({ params, body, user }) =>
      blockCrowdWorker(ctx, channel(), { actorId: user.id, workerId: params.workerId, reason: body.reason }),
    ),
  );
  return router;
}

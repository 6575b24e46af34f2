import { Router } from 'express';
import { endpoint } from '../http/endpoint.ts';
import { projectParams } from './projects.schema.ts';
import { batchParams } from './batches.schema.ts';
import { loadProject } from './load-project.ts';
import { crowdChannelOf } from '../crowd/channel-of.ts';
import { assignmentParams, blockBody, decideBody, hooksBody, workerParams } from './crowd.schema.ts';
import { estimateCrowdBatch, publishCrowdBatch } from '../commands/publish-crowd.ts';
import { syncCrowdProject } from '../commands/sync-crowd.ts';
import { subscribeProlificHooks } from '../commands/prolific-hooks.ts';
import { blockCrowdWorker, decideHeldAssignment, expireCrowdBatch } from '../commands/manage-crowd.ts';
import { crowdStatus, heldAssignments, listHits } from '../db/queries/crowd.ts';
import { presentCrowdStatus, presentHeldAssignment } from '../presenters/crowd.ts';
import type { AppContext } from '../context.ts';

/** Publishing to the crowd channel, syncing, review, payments and the cost picture. */
export function crowdRoutes(ctx: AppContext): Router {
  const { db } = ctx.store;
  const router = Router();
  const channel = () => crowdChannelOf(ctx);
  router.get(
    '/crowd/channel',
    endpoint('crowd.manage', {}, async () => ({
      channel: channel().name,
      vocabulary: channel().vocabulary,
      endpoint: channel().endpoint,
      ...(await channel().readiness()),
    })),
  );
  router.get(
    '/crowd/balance',
    endpoint('crowd.manage', {}, async () => ({ balance: await channel().balance(), endpoint: channel().endpoint })),
  );
  router.post(
    '/crowd/hooks',
    endpoint('crowd.manage', { body: hooksBody }, ({ body }) => subscribeProlificHooks(ctx, channel(), body)),
  );
  router.post(
    '/batches/:batchId/crowd/estimate',
    // The body is the channel's own estimate settings, which the command validates.
    endpoint('crowd.manage', { params: batchParams }, ({ params, body }) =>
      estimateCrowdBatch(ctx, channel(), { batchId: params.batchId, input: body ?? {} }),
    ),
  );
  router.post(
    '/batches/:batchId/crowd/publish',
    endpoint('crowd.manage', { params: batchParams }, ({ params, body, user }) =>
      publishCrowdBatch(ctx, channel(), { actorId: user.id, batchId: params.batchId, options: body }),
    ),
  );
  router.post(
    '/batches/:batchId/crowd/expire',
    endpoint('crowd.manage', { params: batchParams }, ({ params, user }) =>
      expireCrowdBatch(ctx, channel(), { actorId: user.id, batchId: params.batchId }),
    ),
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
      return presentCrowdStatus(hits, status);
    }),
  );
  router.get(
    '/projects/:projectId/crowd/held',
    endpoint('crowd.manage', { params: projectParams }, async ({ params }) => ({
      assignments: (await heldAssignments(db, params.projectId)).map(presentHeldAssignment),
    })),
  );
  router.post(
    '/crowd/assignments/:assignmentId/decide',
    endpoint('crowd.manage', { params: assignmentParams, body: decideBody }, ({ params, body, user }) =>
      decideHeldAssignment(ctx, channel(), { actorId: user.id, assignmentId: params.assignmentId, ...body }),
    ),
  );
  router.post(
    '/crowd/workers/:workerId/block',
    endpoint('crowd.manage', { params: workerParams, body: blockBody }, ({ params, body, user }) =>
      blockCrowdWorker(ctx, channel(), { actorId: user.id, workerId: params.workerId, reason: body.reason }),
    ),
  );
  return router;
}

import { Router } from 'express';
import { endpoint } from '../http/endpoint.ts';
import { batchParams, createBatchBody } from './batches.schema.ts';
import { projectParams } from './projects.schema.ts';
import { generateBatch } from '../commands/generate-batch.ts';
import { closeBatch, openBatch } from '../commands/manage-batches.ts';
import { batchProgress, findBatch, listBatches } from '../db/queries/batches.ts';
import { notFound } from '../errors.ts';
import { loadProject } from './load-project.ts';
import { listArchivedQuery } from './removal.schema.ts';
import type { AppContext } from '../context.ts';

/** Batch generation, opening and closing, and progress. */
export function batchRoutes(ctx: AppContext): Router {
  const { db } = ctx.store;
  const router = Router();
  router.post(
    '/projects/:projectId/batches',
    endpoint('batches.manage', { params: projectParams, body: createBatchBody }, async ({ params, body, user, res }) => {
      const result = await generateBatch(ctx, { actorId: user.id, projectId: params.projectId, input: body });
      res.status(201);
      return result;
    }),
  );
  router.get(
    '/projects/:projectId/batches',
    endpoint('quality.read', { params: projectParams, query: listArchivedQuery }, async ({ params, query }) => {
      await loadProject(db, params.projectId);
      // Archived batches are listed only when asked for (they stay exportable either way).
      const batches = (await listBatches(db, params.projectId)).filter((b) => query.archived === 'include' || b.archivedAt === null);
      return { batches: await Promise.all(batches.map(async (b) => ({ ...b, progress: await batchProgress(db, b.id) }))) };
    }),
  );
  router.post(
    '/batches/:batchId/open',
    endpoint('batches.manage', { params: batchParams }, async ({ params, user }) => ({
      batch: await openBatch(ctx, { actorId: user.id, batchId: params.batchId }),
    })),
  );
  router.post(
    '/batches/:batchId/close',
    endpoint('batches.manage', { params: batchParams }, async ({ params, user }) => ({
      batch: await closeBatch(ctx, { actorId: user.id, batchId: params.batchId }),
    })),
  );
  router.get(
    '/batches/:batchId/progress',
    endpoint('quality.read', { params: batchParams }, async ({ params }) => {
      if (!(await findBatch(db, params.batchId))) throw notFound('Batch');
      return { progress: await batchProgress(db, params.batchId) };
    }),
  );
  return router;
}

import { Router } from 'express';
import { endpoint } from '../http/endpoint.ts';
import { projectParams } from './projects.schema.ts';
import { batchParams } from './batches.schema.ts';
import { documentParams } from './documents.schema.ts';
import { archiveBody, deleteBody, deleteDocumentsBody } from './removal.schema.ts';
import { deleteBatch, deleteDocument, deleteDocuments, deleteProject, setBatchArchive, setProjectArchive } from '../commands/archive-and-delete.ts';
import { presentProject } from '../presenters/projects.ts';
import type { AppContext } from '../context.ts';

/**
 * Archiving, restoring and deleting projects and batches, and deleting documents no batch uses. A delete answers
 * what happened: `deleted` with the rows removed, or `archived` when it held judgments and the caller chose that.
 */
export function removalRoutes(ctx: AppContext): Router {
  const router = Router();
  router.post(
    '/projects/:projectId/archive',
    endpoint('data.remove', { params: projectParams, body: archiveBody }, async ({ params, body, user }) => ({
      project: presentProject(await setProjectArchive(ctx, { actorId: user.id, projectId: params.projectId, archived: body.archived })),
    })),
  );
  router.delete(
    '/projects/:projectId',
    endpoint('data.remove', { params: projectParams, body: deleteBody }, async ({ params, body, user }) => {
      const result = await deleteProject(ctx, { actorId: user.id, projectId: params.projectId, whenLabeled: body.whenLabeled });
      return result.outcome === 'archived' ? { outcome: result.outcome, project: presentProject(result.project) } : result;
    }),
  );
  router.post(
    '/batches/:batchId/archive',
    endpoint('data.remove', { params: batchParams, body: archiveBody }, async ({ params, body, user }) => ({
      batch: await setBatchArchive(ctx, { actorId: user.id, batchId: params.batchId, archived: body.archived }),
    })),
  );
  router.delete(
    '/batches/:batchId',
    endpoint('data.remove', { params: batchParams, body: deleteBody }, async ({ params, body, user }) =>
      deleteBatch(ctx, { actorId: user.id, batchId: params.batchId, whenLabeled: body.whenLabeled }),
    ),
  );
  router.delete(
    '/projects/:projectId/documents',
    endpoint('data.remove', { params: projectParams, body: deleteDocumentsBody }, async ({ params, body, user }) =>
      deleteDocuments(ctx, { actorId: user.id, projectId: params.projectId, selection: body }),
    ),
  );
  router.delete(
    '/projects/:projectId/documents/:documentId',
    endpoint('data.remove', { params: documentParams }, async ({ params, user }) =>
      deleteDocument(ctx, { actorId: user.id, projectId: params.projectId, documentId: params.documentId }),
    ),
  );
  return router;
}

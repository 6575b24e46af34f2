import { Router } from 'express';
import { endpoint } from '../http/endpoint.ts';
import { createProjectBody, listDocumentsQuery, projectParams, updateProjectBody } from './projects.schema.ts';
import { createProject, updateProjectSettings } from '../commands/manage-projects.ts';
import { findProject, listProjectsWithCounts } from '../db/queries/projects.ts';
import { documentStats, listDocuments } from '../db/queries/documents.ts';
import { presentDocument, presentProject } from '../presenters/projects.ts';
import { notFound } from '../errors.ts';
import { taskTypeSummaries } from '../../tasks/registry.ts';
import type { AppContext } from '../context.ts';

/** Projects, their documents and the task types a project can use. */
export function projectRoutes(ctx: AppContext): Router {
  const { db } = ctx.store;
  const router = Router();
  router.get('/task-types', endpoint('projects.read', {}, () => ({ taskTypes: taskTypeSummaries() })));
  router.get(
    '/projects',
    endpoint('projects.read', {}, async () => ({
      projects: (await listProjectsWithCounts(db)).map((p) => presentProject(p, p.counts)),
    })),
  );
  router.post(
    '/projects',
    endpoint('projects.manage', { body: createProjectBody }, async ({ body, user, res }) => {
      res.status(201);
      return { project: presentProject(await createProject(db, { ...body, actorId: user.id })) };
    }),
  );
  router.get(
    '/projects/:projectId',
    endpoint('projects.read', { params: projectParams }, async ({ params }) => {
      const project = await findProject(db, params.projectId);
      if (!project) throw notFound('Project');
      return { project: presentProject(project) };
    }),
  );
  router.patch(
    '/projects/:projectId',
    endpoint('projects.manage', { params: projectParams, body: updateProjectBody }, async ({ params, body, user }) => ({
      project: presentProject(await updateProjectSettings(db, { actorId: user.id, projectId: params.projectId, changes: body })),
    })),
  );
  router.get(
    '/projects/:projectId/documents',
    endpoint('documents.read', { params: projectParams, query: listDocumentsQuery }, async ({ params, query }) => {
      if (!(await findProject(db, params.projectId))) throw notFound('Project');
      const docs = await listDocuments(db, params.projectId, query);
      return {
        documents: docs.map(presentDocument),
        nextAfter: docs.length === query.limit ? docs[docs.length - 1].id : null,
        stats: await documentStats(db, params.projectId),
      };
    }),
  );
  return router;
}

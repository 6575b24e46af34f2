import { Router } from 'express';
import { endpoint } from '../http/endpoint.ts';
import { createProjectBody, memberBody, memberParams, projectParams, updateProjectBody } from './projects.schema.ts';
import { documentParams, listDocumentsQuery } from './documents.schema.ts';
import { createProject, updateProjectSettings } from '../commands/manage-projects.ts';
import { addProjectMember, removeProjectMember } from '../commands/manage-members.ts';
import { listProjectsWithCounts } from '../db/queries/projects.ts';
import { listMembers } from '../db/queries/members.ts';
import { documentsPage, findDocument, itemsOfDocument, judgmentsOfDocument } from '../db/queries/documents.ts';
import { presentDocument, presentLabelerProject, presentMember, presentProject } from '../presenters/projects.ts';
import { presentDocumentDetail } from '../presenters/documents.ts';
import { can, presentAbilities } from '../auth/policies.ts';
import { notFound } from '../errors.ts';
import { loadProject } from './load-project.ts';
import { taskTypeSummaries } from '../../tasks/registry.ts';
import { listArchivedQuery } from './removal.schema.ts';
import type { AppContext } from '../context.ts';

/**
 * Projects, their members, the task types a project can use, and a project's corpus for staff: the filtered, paged
 * document list with its match count, and one document with its items and judgments.
 */
export function projectRoutes(ctx: AppContext): Router {
  const { db } = ctx.store;
  const router = Router();
  router.get(
    '/task-types',
    endpoint('projects.read', {}, () => ({ taskTypes: taskTypeSummaries() })),
  );
  router.get(
    '/projects',
    endpoint('projects.read', { query: listArchivedQuery }, async ({ user, query }) => {
      // Admins see every project with its settings (archived ones when asked); everyone else the live projects they
      // may label, as labelers.
      const admin = can(user, 'projects.manage');
      const list = await listProjectsWithCounts(db, admin ? { includeArchived: query.archived === 'include' } : { visibleTo: user.id });
      return { projects: list.map((p) => (admin ? presentProject(p, p.counts) : presentLabelerProject(p, p.counts))) };
    }),
  );
  router.post(
    '/projects',
    endpoint('projects.manage', { body: createProjectBody }, async ({ body, user, res }) => {
      res.status(201);
      return { project: presentProject(await createProject(ctx, { ...body, actorId: user.id })) };
    }),
  );
  router.get(
    '/projects/:projectId',
    endpoint('projects.read', { params: projectParams }, async ({ params, user, req }) => {
      const project = await loadProject(db, params.projectId);
      return {
        project: can(user, 'review', req.projectAccess) ? presentProject(project) : presentLabelerProject(project),
        // What the caller may do here, so the pages of a project hide what their project role may not do.
        abilities: presentAbilities(user, req.projectAccess),
      };
    }),
  );
  router.patch(
    '/projects/:projectId',
    endpoint('projects.manage', { params: projectParams, body: updateProjectBody }, async ({ params, body, user }) => ({
      project: presentProject(await updateProjectSettings(ctx, { actorId: user.id, projectId: params.projectId, changes: body })),
    })),
  );
  router.get(
    '/projects/:projectId/members',
    endpoint('projects.manage', { params: projectParams }, async ({ params }) => {
      const project = await loadProject(db, params.projectId);
      return { openToAll: project.openToAll, members: (await listMembers(db, project.id)).map(presentMember) };
    }),
  );
  router.post(
    '/projects/:projectId/members',
    endpoint('projects.manage', { params: projectParams, body: memberBody }, async ({ params, body, user, res }) => {
      const { member, created } = await addProjectMember(ctx, { actorId: user.id, projectId: params.projectId, ...body });
      res.status(created ? 201 : 200);
      return { member: presentMember(member) };
    }),
  );
  router.delete(
    '/projects/:projectId/members/:userId',
    endpoint('projects.manage', { params: memberParams }, async ({ params, user }) => {
      await removeProjectMember(ctx, { actorId: user.id, projectId: params.projectId, userId: params.userId });
      return { removed: { userId: params.userId } };
    }),
  );
  router.get(
    '/projects/:projectId/documents',
    endpoint('documents.read', { params: projectParams, query: listDocumentsQuery }, async ({ params, query }) => {
      await loadProject(db, params.projectId);
      const { docs, stats, matches } = await documentsPage(db, params.projectId, query);
      return {
        documents: docs.map(presentDocument),
        nextAfter: docs.length === query.limit ? docs[docs.length - 1].id : null,
        /** Documents matching the search and filters over all pages (the project's total when nothing narrows). */
        matches,
        stats,
      };
    }),
  );
  router.get(
    '/projects/:projectId/documents/:documentId',
    endpoint('documents.read', { params: documentParams }, async ({ params }) => {
      await loadProject(db, params.projectId);
      const doc = await findDocument(db, params.projectId, params.documentId);
      if (!doc) throw notFound('Document');
      const [docItems, docJudgments] = await Promise.all([itemsOfDocument(db, doc.id), judgmentsOfDocument(db, doc.id)]);
      return presentDocumentDetail(doc, docItems, docJudgments);
    }),
  );
  return router;
}

import { Router } from 'express';
import type { Tx } from '../db/store.ts';
import { projectAccessOf, type ProjectScope } from '../db/queries/members.ts';
import { idParam } from '../http/endpoint.ts';
import { notFound } from '../errors.ts';
import { canSee, type ProjectAccess } from './policies.ts';
import type { Project } from '../db/schema.ts';

declare global {
  namespace Express {
    interface Request {
      /** The caller's standing in the project the URL addresses (set by `projectScope`), for `can(user, ability, access)`. */
      projectAccess?: ProjectAccess;
      /** The row of that project, read with the access (routes take it instead of reading it again; see loadProject). */
      scopedProject?: Project;
    }
  }
}

/**
 * The URL prefixes that address something of exactly one project, by the path parameter that carries its id. Every
 * route under one of these is checked against the caller's standing in that project; the role-matrix test reads
 * this table to know which routes are project-scoped.
 */
export const projectScopes = {
  projectId: { prefix: '/projects', scope: 'project', noun: 'Project' },
  batchId: { prefix: '/batches', scope: 'batch', noun: 'Batch' },
  itemId: { prefix: '/items', scope: 'item', noun: 'Item' },
  slotId: { prefix: '/tasks', scope: 'slot', noun: 'Task' },
} as const satisfies Record<string, { prefix: string; scope: ProjectScope; noun: string }>;

/**
 * Resolves the project a request addresses before any route runs, so no route can forget it: a project the caller
 * may not see answers 404 with the same body as one that does not exist (ids cannot be probed), and the caller's
 * access rides on the request for the endpoint's ability check. Anonymous callers pass through to be refused 401
 * by the endpoint; a malformed id passes through to be refused 400 by the route's params schema.
 */
export function projectScope(db: Tx): Router {
  const router = Router();
  for (const [param, { prefix, scope, noun }] of Object.entries(projectScopes)) {
    router.use(`${prefix}/:${param}`, async (req, _res, next) => {
      const id = idParam.safeParse(req.params[param]);
      if (!req.user || !id.success) return next();
      try {
        const access = await projectAccessOf(db, scope, id.data, req.user.id);
        if (!access || !canSee(req.user, access)) return next(notFound(noun));
        req.projectAccess = { openToAll: access.openToAll, memberRole: access.memberRole, archived: access.archived };
        req.scopedProject = access.project;
        next();
      } catch (error) {
        next(error);
      }
    });
  }
  return router;
}

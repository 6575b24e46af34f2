import type { Request } from 'express';
import { findProject } from '../db/queries/projects.ts';
import type { Tx } from '../db/store.ts';
import { notFound } from '../errors.ts';

/**
 * The project a route addresses, or 404. Given the request, the row the project scope read with the caller's access
 * (in the same request, so no older than this one) is taken instead of a second read.
 */
export async function loadProject(db: Tx, projectId: number, req?: Request) {
  if (req?.scopedProject?.id === projectId) return req.scopedProject;
  const project = await findProject(db, projectId);
  if (!project) throw notFound('Project');
  return project;
}

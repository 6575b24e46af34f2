import { findProject } from '../db/queries/projects.ts';
import type { Tx } from '../db/store.ts';
import { notFound } from '../errors.ts';

/** The project a route addresses, or 404. */
export async function loadProject(db: Tx, projectId: number) {
  const project = await findProject(db, projectId);
  if (!project) throw notFound('Project');
  return project;
}

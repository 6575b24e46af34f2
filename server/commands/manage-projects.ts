import type { Db } from '../db/store.ts';
import { findProject, findProjectByName, insertProject, updateProject } from '../db/queries/projects.ts';
import { appendAudit } from '../db/queries/audit.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import { describeZodError } from '../http/error-handler.ts';
import { findTaskType, taskTypeNames } from '../../tasks/registry.ts';

export interface CreateProjectProps {
  actorId: number;
  name: string;
  description: string;
  taskType: string;
  config: Record<string, unknown>;
  fieldMapping: Record<string, string>;
  trainingMode: boolean;
  /** Whether every annotator may label it; without it only members (and admins) may. */
  openToAll?: boolean;
}

/** Creates a project of a known task type with its config validated (defaults filled in). */
export async function createProject(db: Db, props: CreateProjectProps) {
  const config = parseTaskConfig(props.taskType, props.config);
  if (await findProjectByName(db, props.name)) throw conflict(`A project named "${props.name}" already exists`);
  const project = await insertProject(db, { ...props, config, createdBy: props.actorId });
  await appendAudit(db, { actorId: props.actorId, action: 'project.create', target: `project:${project.id}` });
  return project;
}

/** Changes a project's description, config, field mapping, training mode or whether it is open to all annotators. */
export async function updateProjectSettings(
  db: Db,
  props: { actorId: number; projectId: number; changes: Partial<Omit<CreateProjectProps, 'actorId' | 'taskType'> & { settings: Record<string, unknown> }> },
) {
  const project = await findProject(db, props.projectId);
  if (!project) throw notFound('Project');
  const changes = {
    ...props.changes,
    ...(props.changes.config ? { config: parseTaskConfig(project.taskType, props.changes.config) } : {}),
    // Settings merge by section, so changing aggregation leaves crowd settings alone.
    ...(props.changes.settings ? { settings: { ...(project.settings as object), ...props.changes.settings } } : {}),
  };
  if (changes.name && changes.name !== project.name && (await findProjectByName(db, changes.name))) {
    throw conflict(`A project named "${changes.name}" already exists`);
  }
  const updated = await updateProject(db, project.id, changes);
  await appendAudit(db, { actorId: props.actorId, action: 'project.update', target: `project:${project.id}`, details: { fields: Object.keys(changes) } });
  return updated;
}

function parseTaskConfig(taskType: string, config: unknown) {
  const type = findTaskType(taskType);
  if (!type) throw badRequest(`taskType: unknown task type "${taskType}"; choose one of ${taskTypeNames.join(', ')}`);
  const parsed = type.configSchema.safeParse(config);
  if (!parsed.success) throw badRequest(`config: ${describeZodError(parsed.error)}`);
  return parsed.data as Record<string, unknown>;
}

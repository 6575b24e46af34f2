import { findProject, findProjectByName, insertProject, updateProject } from '../db/queries/projects.ts';
import { appendAudit } from '../db/queries/audit.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import { describeZodError } from '../http/error-handler.ts';
import { findTaskType, taskTypeNames } from '../../tasks/registry.ts';
import { runCommand, type CommandContext } from './run-command.ts';
import { brokenItemsWithDocuments, restoreBrokenItems } from '../db/queries/items.ts';
import { tryDocumentPayload } from './document-payload.ts';
import type { Tx } from '../db/store.ts';
import type { Project } from '../db/schema.ts';

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
export function createProject(ctx: CommandContext, props: CreateProjectProps) {
  const config = parseTaskConfig(props.taskType, props.config);
  return runCommand(ctx, async (tx) => {
    if (await findProjectByName(tx, props.name)) throw conflict(`A project named "${props.name}" already exists`);
    const project = await insertProject(tx, { ...props, config, createdBy: props.actorId });
    await appendAudit(tx, { actorId: props.actorId, action: 'project.create', target: `project:${project.id}` });
    return project;
  });
}

/**
 * Changes a project's description, config, field mapping, training mode or whether it is open to all annotators.
 * Settings change by section: the sections given replace theirs in the database, so changing aggregation leaves
 * crowd settings alone even when both change at once.
 */
export function updateProjectSettings(
  ctx: CommandContext,
  props: {
    actorId: number;
    projectId: number;
    changes: Partial<Omit<CreateProjectProps, 'actorId' | 'taskType'> & { settings: Record<string, unknown> }>;
  },
) {
  return runCommand(ctx, async (tx) => {
    const project = await findProject(tx, props.projectId);
    if (!project) throw notFound('Project');
    if (project.archivedAt) throw conflict('The project is archived; restore it to change its settings');
    const changes = { ...props.changes, ...(props.changes.config ? { config: parseTaskConfig(project.taskType, props.changes.config) } : {}) };
    if (changes.name && changes.name !== project.name && (await findProjectByName(tx, changes.name))) {
      throw conflict(`A project named "${changes.name}" already exists`);
    }
    const updated = await updateProject(tx, project.id, changes);
    const restored = changes.fieldMapping ? await restoreShowableItems(tx, updated) : 0;
    await appendAudit(tx, {
      actorId: props.actorId,
      action: 'project.update',
      target: `project:${project.id}`,
      details: { fields: Object.keys(changes), ...(restored ? { restoredBrokenItems: restored } : {}) },
    });
    return updated;
  });
}

/**
 * After a field mapping change, items withdrawn as broken whose documents the project can now show go back to serving
 * (issue 12, finding 4: staff fix the mapping the flag named). Returns how many.
 */
async function restoreShowableItems(tx: Tx, project: Project): Promise<number> {
  const showable = (await brokenItemsWithDocuments(tx, project.id)).filter((row) => !('problem' in tryDocumentPayload(project, row)));
  await restoreBrokenItems(
    tx,
    showable.map((row) => Number(row.item_id)),
  );
  return showable.length;
}

function parseTaskConfig(taskType: string, config: unknown) {
  const type = findTaskType(taskType);
  if (!type) throw badRequest(`taskType: unknown task type "${taskType}"; choose one of ${taskTypeNames.join(', ')}`);
  const parsed = type.configSchema.safeParse(config);
  if (!parsed.success) throw badRequest(`config: ${describeZodError(parsed.error)}`);
  return parsed.data as Record<string, unknown>;
}

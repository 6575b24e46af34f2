import type { Project } from '../db/schema.ts';
import { findTaskType } from '../../tasks/registry.ts';

/** The item payload a project's task type builds from a stored document, through the project's field mapping. */
export function documentPayload(project: Pick<Project, 'taskType' | 'fieldMapping'>, doc: { text: string; meta: unknown }): unknown {
  return findTaskType(project.taskType)!.payloadFromDocument({ text: doc.text, meta: doc.meta as Record<string, unknown> }, project.fieldMapping as Record<string, string>);
}

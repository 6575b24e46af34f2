// Task schemas are zod/mini (tasks/lib/zod.ts), whose errors are core $ZodErrors, not classic ZodErrors.
import { $ZodError } from 'zod/v4/core';
import type { Project } from '../db/schema.ts';
import { findTaskType } from '../../tasks/registry.ts';

type PayloadSource = { text: string; meta: unknown };

/** The item payload a project's task type builds from a stored document, through the project's field mapping. */
export function documentPayload(project: Pick<Project, 'taskType' | 'fieldMapping'>, doc: PayloadSource): unknown {
  const outcome = tryDocumentPayload(project, doc);
  if ('problem' in outcome) throw new Error(outcome.problem);
  return outcome.payload;
}

/**
 * The payload, or why the project's task type cannot build one from the document (a field the mapping names is
 * missing, or holds the wrong type). Pure and total, so an import can refuse such a document by line and a lease can
 * set its item aside instead of failing.
 */
export function tryDocumentPayload(
  project: Pick<Project, 'taskType' | 'fieldMapping'>,
  doc: PayloadSource,
): { payload: unknown } | { problem: string } {
  const type = findTaskType(project.taskType);
  if (!type) return { problem: `unknown task type "${project.taskType}"` };
  try {
    return {
      payload: type.payloadFromDocument(
        { text: doc.text, meta: doc.meta as Record<string, unknown> },
        project.fieldMapping as Record<string, string>,
      ),
    };
  } catch (error) {
    return { problem: error instanceof $ZodError ? zodProblem(type.name, error) : (error as Error).message };
  }
}

function zodProblem(taskName: string, error: $ZodError): string {
  return `${taskName}: ${error.issues.map((issue) => `${issue.path.join('.') || 'payload'}: ${issue.message}`).join('; ')}`;
}

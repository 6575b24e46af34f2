import { findBatch } from '../db/queries/batches.ts';
import { findProject } from '../db/queries/projects.ts';
import { appendAudit } from '../db/queries/audit.ts';
import { filterConditions, type DocumentFilters } from '../db/queries/documents.ts';
import {
  batchHoldings,
  deleteBatchRows,
  deleteProjectRows,
  deleteUnbatchedDocuments,
  projectHoldings,
  setBatchArchived,
  setProjectArchived,
} from '../db/queries/removal.ts';
import { documents } from '../db/schema.ts';
import { inArray } from 'drizzle-orm';
import { conflict, notFound } from '../errors.ts';
import { planRemoval, type WhenLabeled } from '../removal/removal-plan.ts';
import { runCommand, type CommandContext } from './run-command.ts';
import type { Tx } from '../db/store.ts';

interface Actor {
  actorId: number;
}

async function projectOrFail(tx: Tx, projectId: number) {
  const project = await findProject(tx, projectId);
  if (!project) throw notFound('Project');
  return project;
}

async function batchOrFail(tx: Tx, batchId: number) {
  const batch = await findBatch(tx, batchId);
  if (!batch) throw notFound('Batch');
  return batch;
}

/**
 * Archives a project (hidden from annotators and from the default project list, no leases, still exportable by
 * admins) or restores it. Archiving an archived project, or restoring a live one, is a conflict.
 */
export function setProjectArchive(ctx: CommandContext, props: Actor & { projectId: number; archived: boolean }) {
  return runCommand(ctx, async (tx) => {
    const project = await projectOrFail(tx, props.projectId);
    if ((project.archivedAt !== null) === props.archived) throw conflict(`The project is ${props.archived ? 'already archived' : 'not archived'}`);
    await setProjectArchived(tx, project.id, props.archived);
    await appendAudit(tx, {
      actorId: props.actorId,
      action: props.archived ? 'project.archive' : 'project.restore',
      target: `project:${project.id}`,
    });
    return projectOrFail(tx, project.id);
  });
}

/** Archives a batch (closed to leasing, hidden from the default batch list, still exportable) or restores it, closed. */
export function setBatchArchive(ctx: CommandContext, props: Actor & { batchId: number; archived: boolean }) {
  return runCommand(ctx, async (tx) => {
    const batch = await batchOrFail(tx, props.batchId);
    if ((batch.archivedAt !== null) === props.archived) throw conflict(`The batch is ${props.archived ? 'already archived' : 'not archived'}`);
    await setBatchArchived(tx, batch.id, props.archived);
    await appendAudit(tx, {
      actorId: props.actorId,
      action: props.archived ? 'batch.archive' : 'batch.restore',
      target: `batch:${batch.id}`,
      details: { projectId: batch.projectId },
    });
    return batchOrFail(tx, batch.id);
  });
}

/**
 * Deletes a batch with its items and slots, when it holds no judgments or crowd work; one that does is refused with
 * the counts, or archived when the caller asked for that (`whenLabeled: 'archive'`), so no judgment is ever dropped.
 */
export function deleteBatch(ctx: CommandContext, props: Actor & { batchId: number; whenLabeled: WhenLabeled }) {
  return runCommand(ctx, async (tx) => {
    const batch = await batchOrFail(tx, props.batchId);
    const holdings = await batchHoldings(tx, batch.id);
    const plan = planRemoval('batch', holdings, props.whenLabeled);
    if (plan.kind === 'refuse') throw conflict(plan.message, holdings);
    if (plan.kind === 'archive') {
      if (batch.archivedAt === null) await setBatchArchived(tx, batch.id, true);
      await appendAudit(tx, {
        actorId: props.actorId,
        action: 'batch.archive',
        target: `batch:${batch.id}`,
        details: { projectId: batch.projectId, insteadOfDelete: holdings },
      });
      return { outcome: 'archived' as const, batch: await batchOrFail(tx, batch.id) };
    }
    const removed = await deleteBatchRows(tx, batch.id);
    await appendAudit(tx, {
      actorId: props.actorId,
      action: 'batch.delete',
      target: `batch:${batch.id}`,
      details: { projectId: batch.projectId, name: batch.name, ...removed },
    });
    return { outcome: 'deleted' as const, removed };
  });
}

/**
 * Deletes a project with its documents, batches and everything under them, when it holds no judgments, crowd work
 * or payments; otherwise refused with the counts, or archived when the caller asked for that.
 */
export function deleteProject(ctx: CommandContext, props: Actor & { projectId: number; whenLabeled: WhenLabeled }) {
  return runCommand(ctx, async (tx) => {
    const project = await projectOrFail(tx, props.projectId);
    const holdings = await projectHoldings(tx, project.id);
    const plan = planRemoval('project', holdings, props.whenLabeled);
    if (plan.kind === 'refuse') throw conflict(plan.message, holdings);
    if (plan.kind === 'archive') {
      if (project.archivedAt === null) await setProjectArchived(tx, project.id, true);
      await appendAudit(tx, {
        actorId: props.actorId,
        action: 'project.archive',
        target: `project:${project.id}`,
        details: { insteadOfDelete: holdings },
      });
      return { outcome: 'archived' as const, project: await projectOrFail(tx, project.id) };
    }
    const removed = await deleteProjectRows(tx, project.id);
    await appendAudit(tx, {
      actorId: props.actorId,
      action: 'project.delete',
      target: `project:${project.id}`,
      details: { name: project.name, ...removed },
    });
    return { outcome: 'deleted' as const, removed };
  });
}

/** Which documents to delete: by id, or every one the list's filters match. */
export type DocumentSelection = { documentIds: number[] } | { filter: DocumentFilters };

/**
 * Deletes a project's documents that are in no batch, picked by id or by the document list's filters; documents in
 * a batch are kept and counted (their items and judgments refer to them). An archived project is read-only.
 */
export function deleteDocuments(ctx: CommandContext, props: Actor & { projectId: number; selection: DocumentSelection }) {
  return runCommand(ctx, (tx) => deleteSelected(tx, props));
}

/** Deletes one document, refused (409) when a batch uses it. */
export function deleteDocument(ctx: CommandContext, props: Actor & { projectId: number; documentId: number }) {
  return runCommand(ctx, async (tx) => {
    const result = await deleteSelected(tx, { ...props, selection: { documentIds: [props.documentId] } });
    if (result.inBatch) throw conflict('The document is in a batch; delete or archive the batch instead');
    if (!result.deleted) throw notFound('Document');
    return result;
  });
}

async function deleteSelected(tx: Tx, props: Actor & { projectId: number; selection: DocumentSelection }) {
  const project = await projectOrFail(tx, props.projectId);
  if (project.archivedAt) throw conflict('The project is archived; restore it to change its documents');
  const { selection } = props;
  const conditions =
    'documentIds' in selection
      ? [...filterConditions(project.id, { meta: [] }), inArray(documents.id, selection.documentIds)]
      : filterConditions(project.id, selection.filter);
  const result = await deleteUnbatchedDocuments(tx, conditions);
  if (result.deleted) {
    await appendAudit(tx, {
      actorId: props.actorId,
      action: 'documents.delete',
      target: `project:${project.id}`,
      details: { ...result, ...('documentIds' in selection ? { documentIds: selection.documentIds } : { filter: selection.filter }) },
    });
  }
  return result;
}

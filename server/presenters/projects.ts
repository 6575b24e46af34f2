import type { DocumentRow, ImportRow, Project } from '../db/schema.ts';
import type { listMembers } from '../db/queries/members.ts';

type MemberRow = Awaited<ReturnType<typeof listMembers>>[number];

type ProjectCounts = { documents: number; items: number; judgments: number };

/** A project as staff (admins, reviewer members) see it: with its settings, field mapping and who may label it. */
export function presentProject(project: Project, counts?: ProjectCounts) {
  return {
    ...presentLabelerProject(project, counts),
    fieldMapping: project.fieldMapping,
    settings: project.settings,
    openToAll: project.openToAll,
    /** When it was archived (hidden from annotators, read-only), or null while live. */
    archivedAt: project.archivedAt,
  };
}

/**
 * A project as an annotator sees it: what labeling needs (task type, its config, training mode) and nothing
 * staff-only (crowd settings and review policy, aggregation settings, field mapping, who else may label).
 */
export function presentLabelerProject(project: Project, counts?: ProjectCounts) {
  return {
    id: project.id,
    name: project.name,
    description: project.description,
    taskType: project.taskType,
    config: project.config,
    trainingMode: project.trainingMode,
    createdAt: project.createdAt,
    ...(counts ? { counts } : {}),
  };
}

/** A project member: the account, its global role and its role in the project. */
export function presentMember(member: MemberRow) {
  return {
    userId: member.userId,
    email: member.email,
    name: member.name,
    globalRole: member.globalRole,
    disabled: member.disabled,
    role: member.role,
    addedAt: member.createdAt,
  };
}

/** A corpus document; its text is data to be shown as text, never markup. */
export function presentDocument(doc: DocumentRow) {
  return {
    id: doc.id,
    externalId: doc.externalId,
    text: doc.text,
    meta: doc.meta,
    source: doc.source,
    url: doc.url,
    lang: doc.lang,
    tokenEstimate: doc.tokenEstimate,
  };
}

/** An import's outcome and report. */
export function presentImport(row: ImportRow) {
  return {
    id: row.id,
    filename: row.filename,
    format: row.format,
    status: row.status,
    imported: row.imported,
    duplicates: row.duplicates,
    rejected: row.rejected,
    report: row.report,
    createdAt: row.createdAt,
    finishedAt: row.finishedAt,
  };
}

import type { DocumentRow, ImportRow, Project } from '../db/schema.ts';

/** A project with its settings. */
export function presentProject(project: Project, counts?: { documents: number; items: number; judgments: number }) {
  return {
    id: project.id,
    name: project.name,
    description: project.description,
    taskType: project.taskType,
    config: project.config,
    fieldMapping: project.fieldMapping,
    trainingMode: project.trainingMode,
    settings: project.settings,
    createdAt: project.createdAt,
    ...(counts ? { counts } : {}),
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

import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Project } from '../db/schema.ts';
import { findProject } from '../db/queries/projects.ts';
import { foldDocumentCounts, insertDocumentChunk } from '../db/queries/documents.ts';
import { failInterruptedImports, finishImport, insertImport, reserveImportId } from '../db/queries/imports.ts';
import { appendAudit } from '../db/queries/audit.ts';
import { badRequest, notFound, rootMessage } from '../errors.ts';
import { resolveFormat, type ImportFormat, type ImportOptions } from '../import/import-options.ts';
import { normalizeRecord } from '../import/normalize-record.ts';
import { readCorpus } from '../import/read-corpus.ts';
import { DocumentSpool } from '../import/document-spool.ts';
import { tryDocumentPayload } from './document-payload.ts';
import { runCommand, type CommandContext, type Emit } from './run-command.ts';

/** Rows per INSERT: large enough to amortize round trips, small enough to keep memory flat (large documents go fewer at a time). */
const CHUNK = { rows: 2_000, bytes: 16_000_000 };
/** Problems listed one by one in the report; the rest are only counted. */
const MAX_REPORTED_ERRORS = 1_000;
const PROGRESS_INTERVAL_MS = 250;

export interface ImportProgress {
  importId: number;
  projectId: number;
  bytes: number;
  records: number;
  imported: number;
  duplicates: number;
  rejected: number;
}

export interface ImportCorpusProps {
  /** The project receiving the documents; each must give an item its task type can show. */
  projectId: number;
  /** The user who started the import. */
  userId: number;
  /** Field mapping, format and error tolerance. */
  options: ImportOptions;
  /** The file's bytes, read once as a stream so a large file imports in bounded memory. */
  input: Readable;
  /** Records and documents larger than this (text and metadata together) are reported, not imported. */
  maxDocumentBytes: number;
}

/** What an import did; on failure, nothing of it is in the store. */
export interface ImportSummary extends ImportProgress {
  status: 'succeeded' | 'failed';
  message: string;
  errors: { line: number; message: string }[];
  errorsTruncated: boolean;
}

/**
 * Imports a corpus file into a project, all or nothing. The file is read and every record checked first, outside
 * any transaction, with good documents parked on disk; only a file within the tolerance for bad records is then
 * written, in one transaction together with its import row, so a refused file, a stream that breaks off or a crash
 * leaves no documents and no import stuck "running". Bad records are reported by line either way; exact duplicates
 * are skipped and counted.
 *
 * The project's watchers hear `import:progress` now and then and `import:done` once the outcome has committed. The
 * file is read before any transaction opens (a slow upload must not hold one), so the outcome is written by one of
 * two commands, the import's or the refusal's; progress notices are published as they come, since they tell of work
 * in flight that `import:done` then settles.
 */
export async function importCorpus(ctx: CommandContext, props: ImportCorpusProps): Promise<ImportSummary> {
  const { db } = ctx.store;
  const format = resolveFormat(props.options);
  if (!format)
    throw badRequest(
      `Cannot tell the format of "${props.options.filename}": name it .jsonl, .json, .csv or .parquet (each may end .gz), or pass format`,
    );
  const { projectId } = props;
  const project = await findProject(db, projectId);
  if (!project) throw notFound('Project');
  const importId = await reserveImportId(db);
  const progress: ImportProgress = { importId, projectId, bytes: 0, records: 0, imported: 0, duplicates: 0, rejected: 0 };
  const errors: ImportSummary['errors'] = [];
  let lastReport = 0;
  const report = (force = false) => {
    const now = Date.now();
    if (force || now - lastReport >= PROGRESS_INTERVAL_MS) {
      lastReport = now;
      ctx.events.publish({ name: 'import:progress', payload: { ...progress }, to: { projectId } });
    }
  };
  const row = { id: importId, projectId, filename: props.options.filename, format, createdBy: props.userId };
  const interrupted = { message: 'Interrupted: the server stopped before this import finished; nothing was imported' };

  const spool = await DocumentSpool.create();
  let failure: string;
  try {
    const refusal = await readAndCheck(project, props, format, spool, progress, errors, report);
    if (refusal === undefined) {
      return await runCommand(ctx, async (tx, emit) => {
        await failInterruptedImports(tx, projectId, interrupted);
        await insertImport(tx, { ...row, status: 'succeeded' });
        for await (const chunk of spool.chunks(CHUNK)) {
          const inserted = await insertDocumentChunk(tx, projectId, importId, chunk);
          progress.imported += inserted;
          progress.duplicates += chunk.length - inserted;
          report();
        }
        await foldDocumentCounts(tx, projectId);
        const message = `Imported ${progress.imported} document(s); ${progress.duplicates} exact duplicate(s) skipped; ${progress.rejected} bad record(s) skipped`;
        const summary = { ...progress, status: 'succeeded' as const, message, errors, errorsTruncated: progress.rejected > errors.length };
        await finishImport(tx, importId, {
          status: 'succeeded',
          imported: progress.imported,
          duplicates: progress.duplicates,
          rejected: progress.rejected,
          report: reportOf(summary),
        });
        await appendAudit(tx, { actorId: props.userId, action: 'import.succeeded', target: `project:${projectId}`, details: { importId, message } });
        report(true);
        announceDone(emit, summary);
        return summary;
      });
    }
    failure = refusal;
  } catch (error) {
    failure = `The import broke off (${rootMessage(error)}): nothing was imported`;
  } finally {
    await spool.remove();
  }

  Object.assign(progress, { imported: 0, duplicates: 0 });
  const summary: ImportSummary = { ...progress, status: 'failed', message: failure, errors, errorsTruncated: progress.rejected > errors.length };
  report(true);
  await runCommand(ctx, async (tx, emit) => {
    await failInterruptedImports(tx, projectId, interrupted);
    await insertImport(tx, { ...row, status: 'failed', rejected: progress.rejected, report: reportOf(summary) });
    await appendAudit(tx, {
      actorId: props.userId,
      action: 'import.failed',
      target: `project:${projectId}`,
      details: { importId, message: failure },
    });
    announceDone(emit, summary);
  });
  return summary;
}

function announceDone(emit: Emit, summary: ImportSummary) {
  const { importId, projectId, status, message } = summary;
  emit({ name: 'import:done', payload: { importId, projectId, status, message }, to: { projectId } });
}

/**
 * Reads the whole file, checking each record and parking good documents in the spool; returns why the import is
 * refused, if it is. Whatever the reader left unread is drained, so the client gets the answer, not a reset.
 */
async function readAndCheck(
  project: Project,
  props: ImportCorpusProps,
  format: ImportFormat,
  spool: DocumentSpool,
  progress: ImportProgress,
  errors: ImportSummary['errors'],
  report: () => void,
): Promise<string | undefined> {
  let unreadPast: number | undefined;
  try {
    for await (const source of readCorpus(props.input, format, props.options.filename, { maxRecordBytes: props.maxDocumentBytes })) {
      progress.bytes = source.bytes;
      const problem = 'record' in source ? checkRecord(project, props, source.record, source.line) : source.error;
      if (typeof problem === 'string') {
        progress.rejected++;
        if (errors.length < MAX_REPORTED_ERRORS) errors.push({ line: source.line, message: problem });
        if ('fatal' in source && source.fatal) unreadPast = source.line;
      } else {
        progress.records++;
        // Past the tolerance the import is lost anyway: keep reading to report every bad line, but stop keeping.
        if (progress.rejected <= props.options.maxErrors) await spool.add(problem.document);
      }
      report();
    }
  } finally {
    await discardRest(props.input);
  }
  if (unreadPast !== undefined) return `The file could not be read past line ${unreadPast}: nothing was imported`;
  if (progress.rejected > props.options.maxErrors) {
    return `${progress.rejected} bad record(s), more than the ${props.options.maxErrors} tolerated: nothing was imported`;
  }
  if (progress.records === 0) return 'The file holds no documents: nothing was imported';
  return undefined;
}

/** The document a record gives, or why it cannot be one (including why the project's task type could not show it). */
function checkRecord(project: Project, props: ImportCorpusProps, record: Record<string, unknown>, line: number) {
  const outcome = normalizeRecord(record, line, props.options, props.maxDocumentBytes);
  if ('error' in outcome) return outcome.error;
  const payload = tryDocumentPayload(project, outcome.document);
  return 'problem' in payload ? payload.problem : outcome;
}

function reportOf(summary: ImportSummary) {
  return { message: summary.message, errors: summary.errors, errorsTruncated: summary.errorsTruncated };
}

async function discardRest(input: Readable): Promise<void> {
  if (input.readableEnded || input.destroyed) return;
  input.resume();
  await finished(input).catch(() => {});
}

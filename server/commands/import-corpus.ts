import type { Db } from '../db/store.ts';
import { insertDocumentChunk } from '../db/queries/documents.ts';
import { finishImport, insertImport } from '../db/queries/imports.ts';
import { appendAudit } from '../db/queries/audit.ts';
import { badRequest, rootMessage } from '../errors.ts';
import { resolveFormat, type ImportFormat, type ImportOptions } from '../import/import-options.ts';
import { normalizeRecord, type NormalizedDocument } from '../import/normalize-record.ts';
import type { RecordReader } from '../import/source-record.ts';
import { readJsonl } from '../import/jsonl-reader.ts';
import { readCsv } from '../import/csv-reader.ts';
import { readParquet } from '../import/parquet-reader.ts';

const readers: Record<ImportFormat, RecordReader> = { jsonl: readJsonl, csv: readCsv, parquet: readParquet };
/** Rows per INSERT: large enough to amortize round trips, small enough to keep memory flat. */
const CHUNK_ROWS = 2_000;
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
  /** The project receiving the documents. */
  projectId: number;
  /** The user who started the import. */
  userId: number;
  /** Field mapping, format and error tolerance. */
  options: ImportOptions;
  /** The file's bytes, read once as a stream so a large file imports in bounded memory. */
  input: NodeJS.ReadableStream;
  /** Documents larger than this are reported, not imported. */
  maxDocumentBytes: number;
  /** Called now and then while the file is read. */
  onProgress?: (progress: ImportProgress) => void;
}

/** What an import did; on failure, nothing of it is in the store. */
export interface ImportSummary extends ImportProgress {
  status: 'succeeded' | 'failed';
  message: string;
  errors: { line: number; message: string }[];
  errorsTruncated: boolean;
}

class ImportRefused extends Error {}

/**
 * Imports a corpus file into a project, all or nothing: every document is written in one transaction, and a file
 * with more bad records than tolerated, or a stream that breaks off, leaves no rows behind. Bad records are reported
 * by line either way; exact duplicates are skipped and counted.
 */
export async function importCorpus(db: Db, props: ImportCorpusProps): Promise<ImportSummary> {
  const format = resolveFormat(props.options);
  if (!format) throw badRequest(`Cannot tell the format of "${props.options.filename}": name it .jsonl, .csv or .parquet, or pass format`);
  const row = await insertImport(db, { projectId: props.projectId, filename: props.options.filename, format, createdBy: props.userId });
  const progress: ImportProgress = { importId: row.id, projectId: props.projectId, bytes: 0, records: 0, imported: 0, duplicates: 0, rejected: 0 };
  const errors: ImportSummary['errors'] = [];
  let failure: string | undefined;
  let lastReport = 0;
  const report = (force = false) => {
    const now = Date.now();
    if (force || now - lastReport >= PROGRESS_INTERVAL_MS) {
      lastReport = now;
      props.onProgress?.({ ...progress });
    }
  };

  try {
    await db.transaction(async (tx) => {
      let chunk: NormalizedDocument[] = [];
      const flush = async () => {
        const inserted = await insertDocumentChunk(tx, props.projectId, row.id, chunk);
        progress.imported += inserted;
        progress.duplicates += chunk.length - inserted;
        chunk = [];
      };
      for await (const source of readers[format](props.input)) {
        progress.bytes = source.bytes;
        const outcome = 'record' in source ? normalizeRecord(source.record, source.line, props.options, props.maxDocumentBytes) : source;
        if ('error' in outcome) {
          progress.rejected++;
          if (errors.length < MAX_REPORTED_ERRORS) errors.push({ line: source.line, message: outcome.error });
        } else {
          progress.records++;
          // Past the tolerance the import is lost anyway: keep reading to report every bad line, but stop writing.
          if (progress.rejected <= props.options.maxErrors) chunk.push(outcome.document);
          if (chunk.length >= CHUNK_ROWS) await flush();
        }
        report();
      }
      if (progress.rejected > props.options.maxErrors) {
        throw new ImportRefused(
          `${progress.rejected} bad record(s), more than the ${props.options.maxErrors} tolerated: nothing was imported`,
        );
      }
      if (progress.records === 0) throw new ImportRefused('The file holds no documents: nothing was imported');
      await flush();
    });
  } catch (error) {
    failure = error instanceof ImportRefused ? error.message : `The import broke off (${rootMessage(error)}): nothing was imported`;
  }

  if (failure) Object.assign(progress, { imported: 0, duplicates: 0 });
  const status = failure ? 'failed' : 'succeeded';
  const message =
    failure ??
    `Imported ${progress.imported} document(s); ${progress.duplicates} exact duplicate(s) skipped; ${progress.rejected} bad record(s) skipped`;
  report(true);
  await finishImport(db, row.id, {
    status,
    imported: progress.imported,
    duplicates: progress.duplicates,
    rejected: progress.rejected,
    report: { message, errors, errorsTruncated: progress.rejected > errors.length },
  });
  await appendAudit(db, { actorId: props.userId, action: `import.${status}`, target: `project:${props.projectId}`, details: { importId: row.id, message } });
  return { ...progress, status, message, errors, errorsTruncated: progress.rejected > errors.length };
}

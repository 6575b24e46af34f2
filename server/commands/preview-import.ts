import { Readable } from 'node:stream';
import type { Db } from '../db/store.ts';
import { findProject } from '../db/queries/projects.ts';
import { badRequest, notFound } from '../errors.ts';
import { resolveFormat, type ImportFormat, type ImportOptions } from '../import/import-options.ts';
import { normalizeRecord, type NormalizedDocument } from '../import/normalize-record.ts';
import { readCorpus } from '../import/read-corpus.ts';
import { leafPaths } from '../import/field-path.ts';
import { tryDocumentPayload } from './document-payload.ts';

export interface PreviewImportProps {
  projectId: number;
  options: ImportOptions;
  /** The first bytes of the file (or all of it). */
  head: Buffer;
  /** The head is cut from a larger file, so a record broken off at its end is not reported. */
  partial: boolean;
  /** Records to show. */
  limit: number;
  maxDocumentBytes: number;
}

/** One record as the import would take it: the document and the task's payload, or why it would be refused. */
export type PreviewRecord =
  | { line: number; document: Pick<NormalizedDocument, 'externalId' | 'text' | 'meta' | 'url' | 'source' | 'lang'>; payload: unknown }
  /** `fatal`: the file could not be read past this record (its structure broke), whatever the mapping. */
  | { line: number; error: string; fatal?: true };

export interface ImportPreview {
  format: ImportFormat;
  /** Dotted paths to the fields found in the records shown, to choose the mapping from. */
  fields: string[];
  records: PreviewRecord[];
}

/**
 * Reads the first records of a file as an import of it would, with the same mapping, and writes nothing: what each
 * task field will show before the whole file is sent.
 */
export async function previewImport(db: Db, props: PreviewImportProps): Promise<ImportPreview> {
  const format = resolveFormat(props.options);
  if (!format)
    throw badRequest(
      `Cannot tell the format of "${props.options.filename}": name it .jsonl, .json, .csv or .parquet (each may end .gz), or pass format`,
    );
  if (format === 'parquet' && props.partial) {
    throw badRequest('A Parquet file keeps its schema at its end: its first bytes cannot be previewed, only the whole file');
  }
  const project = await findProject(db, props.projectId);
  if (!project) throw notFound('Project');
  const fields = new Set<string>();
  const records: PreviewRecord[] = [];
  let ended = true;
  for await (const source of readCorpus(Readable.from([props.head]), format, props.options.filename, { maxRecordBytes: props.maxDocumentBytes })) {
    // One more than shown, to know whether the last one shown is where the head was cut.
    if (records.length === props.limit) {
      ended = false;
      break;
    }
    if ('error' in source) {
      if (!source.fatal) {
        records.push({ line: source.line, error: source.error });
        continue;
      }
      records.push({ line: source.line, error: source.error, fatal: true });
      break;
    }
    for (const path of leafPaths(source.record)) fields.add(path);
    const outcome = normalizeRecord(source.record, source.line, props.options, props.maxDocumentBytes);
    if ('error' in outcome) {
      records.push({ line: source.line, error: outcome.error });
      continue;
    }
    const { externalId, text, meta, url, source: origin, lang } = outcome.document;
    const payload = tryDocumentPayload(project, outcome.document);
    records.push(
      'problem' in payload
        ? { line: source.line, error: payload.problem }
        : { line: source.line, document: { externalId, text, meta, url, source: origin, lang }, payload: payload.payload },
    );
  }
  if (props.partial && ended && records.length > 1 && 'error' in records[records.length - 1]) records.pop();
  return { format, fields: [...fields], records };
}

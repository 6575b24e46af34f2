import type { Readable } from 'node:stream';

/**
 * One record read from a corpus file, or the reason it could not be read, with its position for the report. A
 * `fatal` problem ends the file: the reader could not find where the next record starts, so nothing past it was read.
 */
export type SourceRecord =
  { line: number; record: Record<string, unknown>; bytes: number } | { line: number; error: string; bytes: number; fatal?: boolean };

/** What a reader may hold in memory for one record. */
export interface ReaderLimits {
  /** A record (a JSONL line, a CSV record) larger than this is reported as too large, not buffered. */
  maxRecordBytes: number;
}

/** Reads records from a corpus file stream; `bytes` counts input consumed so far (for progress). */
export type RecordReader = (input: Readable, limits: ReaderLimits) => AsyncIterable<SourceRecord>;

/** The report's wording for a record over the limit, the same whichever reader found it. */
export function tooLarge(limit: number, bytes?: number): string {
  return `record of ${bytes === undefined ? 'more than ' + limit : bytes} bytes exceeds the limit of ${limit}`;
}

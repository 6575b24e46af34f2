/** One record read from a corpus file, or the reason it could not be read, with its position for the report. */
export type SourceRecord =
  | { line: number; record: Record<string, unknown>; bytes: number }
  | { line: number; error: string; bytes: number };

/** Reads records from a corpus file stream; `bytes` counts input consumed so far (for progress). */
export type RecordReader = (input: NodeJS.ReadableStream) => AsyncIterable<SourceRecord>;

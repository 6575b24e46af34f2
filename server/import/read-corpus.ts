import type { Readable } from 'node:stream';
import type { ImportFormat } from './import-options.ts';
import type { ReaderLimits, RecordReader, SourceRecord } from './source-record.ts';
import { readJsonl } from './jsonl-reader.ts';
import { readJson } from './json-reader.ts';
import { readCsv } from './csv-reader.ts';
import { readParquet } from './parquet-reader.ts';
import { readMaybeGzip } from './gunzip.ts';

const readers: Record<ImportFormat, RecordReader> = { jsonl: readJsonl, json: readJson, csv: readCsv, parquet: readParquet };

/** The records of a corpus file in the given format, gzip-compressed or not. */
export function readCorpus(input: Readable, format: ImportFormat, filename: string, limits: ReaderLimits): AsyncIterable<SourceRecord> {
  return readMaybeGzip(input, filename, readers[format], limits);
}

import { api, ApiError, type UploadOptions } from '../lib/api.ts';
import { onProjectEvent } from '../lib/socket.ts';
import type { ImportSummary } from '../lib/types.ts';

/** One corpus upload's state: bytes sent, records the server has read so far (pushed live), then the report. */
export class UploadState {
  sent = $state(0);
  total = $state(0);
  records = $state(0);
  busy = $state(false);
  result = $state<{ ok: boolean; summary: ImportSummary } | null>(null);
  error = $state('');

  constructor(private readonly projectId: number) {}

  /** Uploads the file and resolves once the server has answered with its report. */
  async run(file: File, options: Omit<UploadOptions, 'filename'>): Promise<void> {
    this.busy = true;
    this.sent = 0;
    this.total = file.size;
    this.records = 0;
    this.result = null;
    this.error = '';
    const stop = onProjectEvent(this.projectId, 'import:progress', (p) => (this.records = p.records));
    try {
      this.result = await api.uploadCorpus(this.projectId, file, { ...options, filename: file.name }, (sent, total) => {
        this.sent = sent;
        this.total = total;
      });
      const { records, imported, duplicates, rejected } = this.result.summary;
      // the server's `records` leaves out rejected lines, so the total of outcomes is the truer count of lines read
      this.records = Math.max(this.records, records, imported + duplicates + rejected);
    } catch (error) {
      this.error = error instanceof ApiError ? error.message : 'The upload failed.';
    } finally {
      stop();
      this.busy = false;
    }
  }
}

/** How much of a file the mapping preview sends: a few records of most corpora, well under the server's cap. */
const PREVIEW_HEAD_BYTES = 256 * 1024;
/** The server's cap on a preview's body: a Parquet file (schema at its end) is previewed whole up to this size. */
const PREVIEW_MAX_BYTES = 1024 * 1024;

type ImportPreview = Awaited<ReturnType<typeof api.previewImport>>['preview'];

/**
 * The mapping step: the first records of the chosen file as the import would take them under the form's options,
 * and what each task field will show. Only the file's head is sent; a later answer replaces an earlier one, never
 * the other way round.
 */
export class MappingPreview {
  preview = $state<ImportPreview | null>(null);
  error = $state('');
  loading = $state(false);
  private sequence = 0;

  constructor(private readonly projectId: number) {}

  async load(file: File, options: Omit<UploadOptions, 'filename'>): Promise<void> {
    const sequence = ++this.sequence;
    const parquet = options.format === 'parquet' || (!options.format && /\.(parquet|pq)$/i.test(file.name));
    const headBytes = parquet ? PREVIEW_MAX_BYTES : PREVIEW_HEAD_BYTES;
    const partial = file.size > headBytes;
    this.error = '';
    if (parquet && partial) {
      this.preview = null;
      this.error = 'A Parquet file keeps its schema at its end, so one this large is checked when it is uploaded.';
      return;
    }
    this.loading = true;
    try {
      const { preview } = await api.previewImport(this.projectId, file.slice(0, headBytes), { ...options, filename: file.name, partial });
      if (sequence === this.sequence) this.preview = preview;
    } catch (error) {
      if (sequence !== this.sequence) return;
      this.preview = null;
      this.error = error instanceof ApiError ? error.message : 'The preview failed.';
    } finally {
      if (sequence === this.sequence) this.loading = false;
    }
  }
}

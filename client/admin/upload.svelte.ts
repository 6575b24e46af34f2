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

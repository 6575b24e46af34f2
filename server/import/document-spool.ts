import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { NormalizedDocument } from './normalize-record.ts';
import { splitLines } from './split-lines.ts';

/**
 * Checked documents parked on local disk between reading an upload and writing it to the store, so the store's
 * transaction lasts as long as the insert, not as long as a client takes to send its file (on PGlite that
 * transaction holds the one connection every request needs). One JSON line per document.
 */
export class DocumentSpool {
  /** A write error (a full disk), kept to fail the import with rather than crash the process unheard. */
  private failure: Error | undefined;

  private constructor(
    private readonly dir: string,
    private readonly out: fs.WriteStream,
  ) {
    out.on('error', (error) => (this.failure ??= error));
  }

  static async create(): Promise<DocumentSpool> {
    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'curate-import-'));
    return new DocumentSpool(dir, fs.createWriteStream(path.join(dir, 'documents.jsonl')));
  }

  /** Parks a document, waiting while the disk catches up. */
  async add(doc: NormalizedDocument): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.out.write(JSON.stringify(doc) + '\n')) await once(this.out, 'drain');
  }

  /** The parked documents in order, up to `rows` or about `bytes` of them at a time; call once, after the last `add`. */
  async *chunks({ rows, bytes: maxBytes }: { rows: number; bytes: number }): AsyncIterable<NormalizedDocument[]> {
    this.out.end();
    await finished(this.out);
    const file = fs.createReadStream(this.out.path);
    try {
      let chunk: NormalizedDocument[] = [];
      let chunkBytes = 0;
      for await (const { bytes } of splitLines(file)) {
        chunk.push(JSON.parse(bytes.toString('utf8')) as NormalizedDocument);
        chunkBytes += bytes.length;
        if (chunk.length >= rows || chunkBytes >= maxBytes) {
          yield chunk;
          chunk = [];
          chunkBytes = 0;
        }
      }
      if (chunk.length) yield chunk;
    } finally {
      file.destroy();
    }
  }

  /** Deletes the parked file. */
  async remove(): Promise<void> {
    // Ended, not destroyed: destroying under pending writes fails them with an error nobody listens for.
    await new Promise((resolve) => this.out.end(resolve));
    await fs.promises.rm(this.dir, { recursive: true, force: true });
  }
}

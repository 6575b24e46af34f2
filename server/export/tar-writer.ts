import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { create, extract } from 'tar';

/**
 * Streams a tar archive (node-tar; ustar with pax headers, the format every tool reads) of files that already exist
 * under `dir`, named by their paths relative to it; used to deliver a dataset directory layout as one download.
 * File bytes are read 1 MiB at a time (node-tar's default is 16 MiB) and wait on `out`'s backpressure, so memory
 * stays bounded whatever the file sizes. `out` is left open for the caller to end.
 */
export async function writeTar(out: Writable, dir: string, names: string[]) {
  await pipeline(create({ cwd: dir, portable: true, maxReadSize: 1 << 20 }, names), out, { end: false });
}

/**
 * Unpacks a tar stream into a directory without holding it in memory (the CLI receiving a dataset layout) and
 * returns the names of the files written. Only regular files come out: an entry outside the directory (absolute,
 * or through `..`) fails the extraction, and links or devices are skipped.
 */
export async function extractTar(input: Readable | AsyncIterable<Buffer>, dir: string): Promise<string[]> {
  const names: string[] = [];
  await pipeline(
    input,
    extract({
      cwd: dir,
      strict: true,
      filter: (_path, entry) => 'type' in entry && entry.type === 'File',
      onReadEntry: (entry) => names.push(entry.path),
    }),
  );
  return names;
}

import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import type { Writable } from 'node:stream';

const BLOCK = 512;

/**
 * Writes a ustar archive (the plain `tar` format every tool reads) of files that already exist on disk, streaming
 * each file's bytes; used to deliver a dataset directory layout as one download.
 */
export async function writeTar(out: Writable, files: { name: string; path: string }[]) {
  for (const file of files) {
    const size = (await fs.promises.stat(file.path)).size;
    await write(out, tarHeader(file.name, size));
    for await (const chunk of fs.createReadStream(file.path)) await write(out, chunk as Buffer);
    const padding = (BLOCK - (size % BLOCK)) % BLOCK;
    if (padding) await write(out, Buffer.alloc(padding));
  }
  await write(out, Buffer.alloc(BLOCK * 2));
}

/** One 512-byte ustar header. */
export function tarHeader(name: string, size: number, mtime = Math.floor(Date.now() / 1000)): Buffer {
  if (Buffer.byteLength(name) > 100) throw new Error(`tar entry name too long: ${name}`);
  const header = Buffer.alloc(BLOCK);
  header.write(name, 0, 100, 'utf8');
  header.write('0000644\0', 100, 8, 'ascii');
  header.write('0000000\0', 108, 8, 'ascii');
  header.write('0000000\0', 116, 8, 'ascii');
  header.write(size.toString(8).padStart(11, '0') + '\0', 124, 12, 'ascii');
  header.write(mtime.toString(8).padStart(11, '0') + '\0', 136, 12, 'ascii');
  header.write('        ', 148, 8, 'ascii');
  header.write('0', 156, 1, 'ascii');
  header.write('ustar\0', 257, 6, 'ascii');
  header.write('00', 263, 2, 'ascii');
  let checksum = 0;
  for (const byte of header) checksum += byte;
  header.write(checksum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return header;
}

/**
 * Unpacks a ustar stream into a directory without holding it in memory (the CLI receiving a dataset layout).
 * Entry names are confined to the directory: absolute paths and `..` are refused.
 */
export async function extractTar(input: AsyncIterable<Buffer>, dir: string): Promise<string[]> {
  const names: string[] = [];
  let buffered: Buffer = Buffer.alloc(0);
  let current: { file: fs.WriteStream; remaining: number; padding: number } | null = null;
  let skip = 0;
  for await (const chunk of input) {
    buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
    for (;;) {
      if (skip) {
        const n = Math.min(skip, buffered.length);
        buffered = buffered.subarray(n);
        skip -= n;
        if (skip) break;
      }
      if (current) {
        const n = Math.min(current.remaining, buffered.length);
        if (n && !current.file.write(buffered.subarray(0, n))) await once(current.file, 'drain');
        buffered = buffered.subarray(n);
        current.remaining -= n;
        if (current.remaining) break;
        await new Promise<void>((resolve) => current!.file.end(resolve));
        skip = current.padding;
        current = null;
        continue;
      }
      if (buffered.length < BLOCK) break;
      const header = buffered.subarray(0, BLOCK);
      buffered = buffered.subarray(BLOCK);
      if (header.every((b) => b === 0)) return names;
      const name = header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
      const size = parseInt(header.subarray(124, 136).toString('ascii').replace(/\0.*$/s, '').trim(), 8);
      const target = path.resolve(dir, name);
      if (!target.startsWith(path.resolve(dir) + path.sep)) throw new Error(`unsafe path in archive: ${name}`);
      await fs.promises.mkdir(path.dirname(target), { recursive: true });
      names.push(name);
      current = { file: fs.createWriteStream(target), remaining: size, padding: (BLOCK - (size % BLOCK)) % BLOCK };
      if (size === 0) {
        await new Promise<void>((resolve) => current!.file.end(resolve));
        current = null;
      }
    }
  }
  return names;
}

async function write(out: Writable, chunk: Buffer) {
  if (!out.write(chunk)) await once(out, 'drain');
}

import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { PassThrough, Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { extractTar, writeTar } from '../../../server/export/tar-writer.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'curate-tar-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** A directory holding a dataset layout: a card and a Parquet-sized binary file bigger than one read. */
function layout() {
  const dir = fs.mkdtempSync(path.join(root, 'src-'));
  fs.mkdirSync(path.join(dir, 'data'));
  const files = {
    'README.md': Buffer.from('---\nconfigs: []\n---\n# card\n'),
    'data/train-00000-of-00001.parquet': randomBytes(3 * 1024 * 1024 + 17),
  };
  for (const [name, bytes] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), bytes);
  return { dir, files };
}

async function archive(dir: string, names: string[]): Promise<Buffer> {
  const out = new PassThrough();
  const bytes = buffer(out);
  await writeTar(out, dir, names);
  // The caller ends the response, so the writer must leave it open.
  expect(out.writableEnded).toBe(false);
  out.end();
  return bytes;
}

describe('writeTar', () => {
  it('writes an archive the system tar lists and unpacks to the same bytes', async () => {
    const { dir, files } = layout();
    const tarFile = path.join(root, 'layout.tar');
    fs.writeFileSync(tarFile, await archive(dir, Object.keys(files)));
    expect(execFileSync('tar', ['-tf', tarFile], { encoding: 'utf8' }).trim().split('\n')).toEqual(Object.keys(files));
    const out = fs.mkdtempSync(path.join(root, 'untar-'));
    execFileSync('tar', ['-xf', tarFile, '-C', out]);
    for (const [name, bytes] of Object.entries(files)) expect(fs.readFileSync(path.join(out, name)).equals(bytes)).toBe(true);
  });
});

describe('extractTar', () => {
  it('unpacks what writeTar wrote and names the files', async () => {
    const { dir, files } = layout();
    const out = fs.mkdtempSync(path.join(root, 'extract-'));
    const bytes = await archive(dir, Object.keys(files));
    // Chunks of any size, as a download arrives.
    const chunks = Array.from({ length: Math.ceil(bytes.length / 7919) }, (_, k) => bytes.subarray(k * 7919, (k + 1) * 7919));
    expect(await extractTar(Readable.from(chunks), out)).toEqual(Object.keys(files));
    for (const [name, content] of Object.entries(files)) expect(fs.readFileSync(path.join(out, name)).equals(content)).toBe(true);
  });

  it('refuses entries outside the directory and writes only regular files', async () => {
    const src = fs.mkdtempSync(path.join(root, 'hostile-'));
    fs.mkdirSync(path.join(src, 'inner'));
    fs.writeFileSync(path.join(src, 'note.txt'), 'x');
    fs.symlinkSync('/etc/passwd', path.join(src, 'link'));
    const tarOf = (cwd: string, ...args: string[]) => {
      const file = path.join(root, `${Math.random().toString(36).slice(2)}.tar`);
      execFileSync('tar', ['-cPf', file, ...args], { cwd });
      return fs.createReadStream(file);
    };
    for (const hostile of [tarOf(path.join(src, 'inner'), '../note.txt'), tarOf(src, path.join(src, 'note.txt'))]) {
      const out = fs.mkdtempSync(path.join(root, 'out-'));
      await expect(extractTar(hostile, out)).rejects.toThrow();
    }
    const out = fs.mkdtempSync(path.join(root, 'out-'));
    expect(await extractTar(tarOf(src, 'note.txt', 'link'), out)).toEqual(['note.txt']);
    expect(fs.readdirSync(out)).toEqual(['note.txt']);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// A build of its own, so the test never depends on (or disturbs) a dist/ another test or a running server uses.
const clientDir = fs.mkdtempSync(path.join(os.tmpdir(), 'curate-client-'));
let t: TestApp;
let entryPath: string;

beforeAll(async () => {
  await promisify(execFile)('npx', ['vite', 'build', '--logLevel', 'warn', '--outDir', clientDir, '--emptyOutDir'], { cwd: root });
  entryPath = /<script type="module"[^>]* src="([^"]+)"/.exec(fs.readFileSync(path.join(clientDir, 'index.html'), 'utf8'))![1];
  t = await startTestApp({ CLIENT_DIR: clientDir });
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(clientDir, { recursive: true, force: true });
});

/** A GET whose body comes back as sent: supertest and fetch would decode it and hide the encoding. */
function rawGet(urlPath: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${t.url}${urlPath}`, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

describe('the built client', () => {
  it('sends a hashed script brotli- or gzip-compressed as the browser accepts, and as is to one that accepts neither', async () => {
    const original = fs.readFileSync(path.join(clientDir, entryPath));

    const br = await rawGet(entryPath, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/Accept-Encoding/i);
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.body.length).toBeLessThan(original.length / 2);
    expect(brotliDecompressSync(br.body).equals(original)).toBe(true);

    const gzip = await rawGet(entryPath, { 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gzip.headers.vary).toMatch(/Accept-Encoding/i);
    expect(gunzipSync(gzip.body).equals(original)).toBe(true);

    const plain = await rawGet(entryPath, { 'accept-encoding': 'identity' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(original)).toBe(true);
  });

  it('lets browsers keep hashed assets for a year, and revalidates the app shell on every load', async () => {
    const asset = await rawGet(entryPath, { 'accept-encoding': 'br' });
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');

    for (const page of ['/', '/annotate/1', '/projects/2/quality']) {
      const shell = await rawGet(page, { 'accept-encoding': 'br' });
      expect(shell.status).toBe(200);
      expect(shell.headers['content-type']).toMatch(/text\/html/);
      expect(shell.headers['cache-control']).toBe('no-cache');
      expect(shell.headers['content-security-policy']).toContain("script-src 'self'");
    }
    const direct = await rawGet('/index.html');
    expect(direct.headers['cache-control']).toBe('no-cache');
  });

  it('answers 404 for an asset no longer built instead of the app shell', async () => {
    const gone = await rawGet('/assets/index-0ldHash0.js');
    expect(gone.status).toBe(404);
    expect(gone.headers['content-type']).toMatch(/json/);
    expect(gone.headers['cache-control'] ?? '').not.toMatch(/immutable/);
  });
});

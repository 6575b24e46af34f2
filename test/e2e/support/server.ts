import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestApp, type TestApp } from '../../support/test-app.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const builtIndex = path.join(root, 'dist', 'index.html');

function newestMtime(dir: string): number {
  return Math.max(
    ...readdirSync(dir, { withFileTypes: true }).map((entry) => {
      const full = path.join(dir, entry.name);
      return entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs;
    }),
  );
}

/** Builds the client unless dist/ is newer than every client source (the server serves dist/ as found at start). */
function ensureClientBuilt(): void {
  const inputs = Math.max(newestMtime(path.join(root, 'client')), statSync(path.join(root, 'vite.config.ts')).mtimeMs);
  if (existsSync(builtIndex) && statSync(builtIndex).mtimeMs > inputs) return;
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
}

/** The real server on a fresh store, serving a freshly built client. */
export function startServerWithClient(): Promise<TestApp> {
  ensureClientBuilt();
  return startTestApp();
}

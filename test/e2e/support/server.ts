import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
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

/**
 * Builds the client unless dist/ is newer than every client and task source. Builds into a scratch directory and
 * swaps it in, so a server already serving dist/ (another test file, another process) never sees it half-written.
 */
function ensureClientBuilt(): void {
  const inputs = Math.max(
    newestMtime(path.join(root, 'client')),
    newestMtime(path.join(root, 'tasks')),
    statSync(path.join(root, 'vite.config.ts')).mtimeMs,
  );
  if (existsSync(builtIndex) && statSync(builtIndex).mtimeMs > inputs) return;
  const scratch = path.join(root, `dist-build-${process.pid}`);
  const retired = path.join(root, `dist-old-${process.pid}`);
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn', '--outDir', scratch, '--emptyOutDir'], { cwd: root, stdio: 'inherit' });
  if (existsSync(path.join(root, 'dist'))) renameSync(path.join(root, 'dist'), retired);
  renameSync(scratch, path.join(root, 'dist'));
  rmSync(retired, { recursive: true, force: true });
}

/** The real server on a fresh store, serving a freshly built client; `env` overrides configuration (e.g. MTURK_ENDPOINT). */
export function startServerWithClient(env: Record<string, string> = {}): Promise<TestApp> {
  ensureClientBuilt();
  return startTestApp(env);
}

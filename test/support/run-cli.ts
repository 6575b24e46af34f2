import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { TEST_PASSWORD, type TestApp } from './test-app.ts';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs the CLI as a user would, as the test app's admin; resolves with exit code and output. */
export async function runCli(t: TestApp, args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/curate.ts'), ...args], {
      cwd: root,
      env: { ...process.env, CURATE_URL: t.url, CURATE_EMAIL: t.admin.email, CURATE_PASSWORD: TEST_PASSWORD, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/**
 * The dataset tests on a clone without the shared folder: a developer's `npm test` passes and says the data is
 * missing; CI, which must score against the data, fails.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

interface VitestJson {
  numFailedTests: number;
  numPassedTests: number;
  testResults: { status: string; message: string; assertionResults: { title: string; status: string }[] }[];
}

function runDatasetTests(ci: boolean): { status: number | null; report: VitestJson } {
  const env: NodeJS.ProcessEnv = { ...process.env, CURATE_CROWD_DATA: path.join(root, 'no-such-folder') };
  delete env.CI;
  if (ci) env.CI = 'true';
  const result = spawnSync(
    process.execPath,
    [
      path.join(root, 'node_modules/vitest/vitest.mjs'),
      'run',
      '--project',
      'unit',
      '--reporter=json',
      'test/unit/aggregation/crowd-datasets.test.ts',
    ],
    { cwd: root, env, encoding: 'utf8' },
  );
  return { status: result.status, report: JSON.parse(result.stdout) as VitestJson };
}

describe('crowd dataset tests without the shared folder', () => {
  it('pass outside CI, with a skipped test saying the data is missing', () => {
    const { status, report } = runDatasetTests(false);
    expect(report.testResults.map((file) => file.message)).toEqual(['']);
    expect(status).toBe(0);
    const results = report.testResults.flatMap((file) => file.assertionResults);
    expect(results.filter((r) => r.status !== 'skipped' && r.status !== 'pending').map((r) => r.title)).toEqual([
      "starts from numpy's RandomState(0) draws",
    ]);
    expect(results.filter((r) => r.status === 'skipped' && /crowd datasets missing/.test(r.title))).toHaveLength(1);
  });

  it('fail in CI, naming the missing folder', () => {
    const { status, report } = runDatasetTests(true);
    expect(status).not.toBe(0);
    const failed = report.testResults.flatMap((file) => file.assertionResults).filter((r) => r.status === 'failed');
    expect(failed.map((r) => r.title)).toEqual([expect.stringMatching(/crowd datasets missing at .*no-such-folder/)]);
  });
});

/**
 * A new user's first hour, end to end in the browser: a Dolma-shaped `.jsonl.gz` is uploaded through the mapping
 * step with a nested field mapped, three items are labeled by keyboard, and the Parquet export is read back by an
 * independent reader (DuckDB).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { signInAt, watchProblems } from './support/browser.ts';
import { useServerAndBrowser } from './support/session.ts';
import { buildBatch, buildTokenClient } from '../support/factories.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The project's own demo sample (scripts/demo/web-sample.jsonl, written for the project) in the shape Dolma ships
 * Common Crawl: `{id, text, source, added, created, metadata: {url, language, length}}`, gzip-compressed JSON Lines.
 * No real Common Crawl slice can be shipped here: only npm and Debian are reachable, and neither carries one.
 */
const records = fs
  .readFileSync(path.join(root, 'scripts/demo/web-sample.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((line) => {
    const { id, text, url, lang } = JSON.parse(line) as Record<string, string>;
    return { id, text, source: 'common-crawl', added: '2023-05-12', created: '2020-02-17', metadata: { url, language: lang, length: text.length } };
  });
const fixture = gzipSync(`${records.map((r) => JSON.stringify(r)).join('\n')}\n`);

describe("a new user's first hour", () => {
  const session = useServerAndBrowser();
  let duck: DuckDBConnection;
  let dir: string;

  beforeAll(async () => {
    duck = await (await DuckDBInstance.create(':memory:')).connect();
    dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'curate-first-hour-'));
  });
  afterAll(async () => {
    duck?.closeSync();
    if (dir) await fs.promises.rm(dir, { recursive: true, force: true });
  });

  test('uploads a Dolma-shaped .jsonl.gz mapping metadata.url, labels three items by keyboard, and DuckDB reads the Parquet export', async () => {
    const { app, browser } = session;
    const project = await app.buildProject({ name: 'Common Crawl slice' });
    const admin = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const problems = watchProblems(admin);

    // Upload through the mapping step: the preview names the nested fields and what the task will keep.
    await signInAt(admin, `${app.url}/projects/${project.id}`, app.admin.email);
    await admin.getByTestId('upload-file').setInputFiles({ name: 'cc_en_head-0000.jsonl.gz', mimeType: 'application/gzip', buffer: fixture });
    await admin.getByTestId('preview-record').first().waitFor();
    expect(await admin.getByTestId('upload-preview').textContent()).toContain('metadata.url');
    await admin.getByTestId('upload-text-field').fill('text');
    await admin.getByTestId('upload-meta').fill('metadata.url,source');
    await admin.getByText(`{"metadata":{"url":"${records[0].metadata.url}"},"source":"common-crawl"}`).waitFor();
    await admin.getByTestId('upload-submit').click();
    await admin
      .getByTestId('upload-summary')
      .filter({ hasText: `Imported ${records.length} document(s)` })
      .waitFor();

    // Three of them in an open batch, one judgment each.
    await buildBatch(app, project.id, { size: 3, redundancy: 1 });

    // An annotator labels all three by keyboard; each digit scores the task on screen and brings the next.
    const annotator = await app.buildUser('annotator');
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const labeling = await context.newPage();
    problems.push(...watchProblems(labeling));
    await signInAt(labeling, `${app.url}/annotate/${project.id}`, annotator.email);
    const given = new Map<string, number>();
    for (const score of [2, 4, 5]) {
      const task = labeling.getByTestId('task');
      await task.waitFor();
      const shown = (await task.textContent())!;
      const record = records.find((r) => shown.includes(r.text.slice(0, 60)));
      expect(record, 'the task shows one of the uploaded documents').toBeDefined();
      given.set(record!.id, score);
      const slot = await task.getAttribute('data-slot-id');
      await labeling.keyboard.press(String(score));
      await labeling.waitForFunction((s) => document.querySelector('[data-testid=task]')?.getAttribute('data-slot-id') !== s, slot);
    }
    await labeling.getByTestId('pending-count').waitFor({ state: 'detached' });
    expect(given.size).toBe(3);

    // Aggregate, then download Parquet with the raw judgments from the Export page.
    await (await buildTokenClient(app, 'admin')).post(`/api/projects/${project.id}/aggregate`).expect(200);
    await admin.goto(`${app.url}/projects/${project.id}/export`);
    await admin.getByTestId('export-format').selectOption('parquet');
    await admin.getByTestId('export-judgments').check();
    await admin.getByTestId('export-matching').filter({ hasText: '3 rows match' }).waitFor();
    const [download] = await Promise.all([admin.waitForEvent('download'), admin.getByTestId('export-download').click()]);
    const file = path.join(dir, 'labeled.parquet');
    await download.saveAs(file);

    const rows = (
      await duck.runAndReadAll(`select id, text, meta->>'$.metadata.url' as url, meta->>'source' as source, json_array_length(judgments) as judgments,
        (judgments->0->'value'->>'score')::int as given, score_mean
        from read_parquet('${file}') order by id`)
    ).getRowObjectsJS();
    const byId = new Map(records.map((r) => [r.id, r]));
    expect(rows).toEqual(
      [...given.keys()].sort().map((id) => ({
        id,
        text: byId.get(id)!.text,
        url: byId.get(id)!.metadata.url,
        source: 'common-crawl',
        judgments: 1n,
        given: given.get(id),
        score_mean: given.get(id),
      })),
    );
    expect(problems).toEqual([]);
    await context.close();
    await admin.close();
  });
});

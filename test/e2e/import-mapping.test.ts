import { describe, expect, test } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { signInAt, watchProblems } from './support/browser.ts';
import { useServerAndBrowser } from './support/session.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The project's own demo sample shipped the way Dolma ships Common Crawl: JSON Lines, gzip-compressed, with the URL
 * and source nested under `metadata`. (No real web-text sample under a free licence can be had here: only npm and
 * Debian are reachable, and neither ships one.)
 */
function dolmaShaped(): Buffer {
  const lines = fs.readFileSync(path.join(root, 'scripts/demo/web-sample.jsonl'), 'utf8').trim().split('\n');
  const rows = lines.map((line) => {
    const { id, text, url, source, lang } = JSON.parse(line) as Record<string, string>;
    return JSON.stringify({ id, text, added: '2023-05-12', metadata: { url, source, lang } });
  });
  return gzipSync(`${rows.join('\n')}\n`);
}

describe('the upload form maps fields before the upload', () => {
  const session = useServerAndBrowser();

  test('a .jsonl.gz with nested metadata: the preview shows the mapping, a wrong text field, then imports', async () => {
    const { app, browser } = session;
    const project = await app.buildProject({ name: 'Dolma slice' });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watchProblems(page);
    await signInAt(page, `${app.url}/projects/${project.id}`, app.admin.email);
    await page.getByTestId('upload-form').waitFor();

    await page.getByTestId('upload-file').setInputFiles({ name: 'cc_en_head-0000.jsonl.gz', mimeType: 'application/gzip', buffer: dolmaShaped() });
    const records = page.getByTestId('preview-record');
    await records.first().waitFor();
    expect(await records.count()).toBe(5);
    expect(await records.first().textContent()).toContain('demo-001');
    expect(await records.first().textContent()).toContain('Photosynthesis is the process');
    expect(await page.getByTestId('upload-preview').textContent()).toContain('fields: id, text, added, metadata.url, metadata.source, metadata.lang');

    // A text field the records lack is shown on each record, before anything is sent.
    await page.getByTestId('upload-text-field').fill('content');
    await page.getByTestId('preview-error').first().waitFor();
    expect(await page.getByTestId('preview-error').first().textContent()).toBe('missing text field "content"');

    await page.getByTestId('upload-text-field').fill('text');
    await page.getByTestId('upload-meta').fill('metadata.url,metadata.source');
    await page.getByTestId('preview-error').first().waitFor({ state: 'detached' });
    await page.getByText('{"metadata":{"url":"https://en.wikipedia.org/wiki/Photosynthesis","source":"wiki"}}').waitFor();

    await page.getByTestId('upload-submit').click();
    const summary = page.getByTestId('upload-summary');
    await summary.waitFor();
    expect(await summary.textContent()).toContain('Imported 16 document(s)');

    const admin = await app.signIn(app.admin);
    const { body } = await admin.agent.get(`/api/projects/${project.id}/documents?limit=1`).expect(200);
    expect(body.documents[0]).toMatchObject({
      externalId: 'demo-001',
      url: 'https://en.wikipedia.org/wiki/Photosynthesis',
      source: 'wiki',
      meta: { metadata: { url: 'https://en.wikipedia.org/wiki/Photosynthesis', source: 'wiki' } },
    });
    expect(problems).toEqual([]);
    await page.close();
  });

  test('a JSON array is read as one when the format says so', async () => {
    const { app, browser } = session;
    const project = await app.buildProject({ name: 'Alpaca slice' });
    const page = await browser.newPage();
    const problems = watchProblems(page);
    await signInAt(page, `${app.url}/projects/${project.id}`, app.admin.email);
    const rows = [
      { instruction: 'Name a colour.', input: '', output: 'Blue.' },
      { instruction: 'Add 2 and 2.', input: '', output: '4' },
    ];
    await page
      .getByTestId('upload-file')
      .setInputFiles({ name: 'alpaca_sample.txt', mimeType: 'text/plain', buffer: Buffer.from(JSON.stringify(rows)) });
    await page.getByTestId('upload-preview-error').waitFor();
    expect(await page.getByTestId('upload-preview-error').textContent()).toMatch(/Cannot tell the format/);
    await page.getByTestId('upload-format').selectOption('json');
    await page.getByTestId('upload-text-field').fill('output');
    await page.getByTestId('upload-id-field').fill('');
    await page.getByText('Read as json').waitFor();
    expect(await page.getByTestId('preview-record').count()).toBe(2);
    expect(await page.getByTestId('preview-record').nth(1).textContent()).toContain('Add 2 and 2.');
    await page.getByTestId('upload-submit').click();
    await page.getByTestId('upload-summary').waitFor();
    expect(await page.getByTestId('upload-summary').textContent()).toContain('Imported 2 document(s)');
    // The refused preview (400) of the unknown format is the one failed request.
    expect(problems.filter((p) => !/status of 400/.test(p))).toEqual([]);
    await page.close();
  });
});

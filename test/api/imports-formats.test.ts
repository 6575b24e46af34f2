import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startTestApp, TEST_PASSWORD, type SignedInAgent, type TestApp } from '../support/test-app.ts';

/** Corpus files as they are shipped: gzip-compressed JSON Lines with nested metadata, JSON arrays, CSV.gz. */

let t: TestApp;
let admin: SignedInAgent;
beforeAll(async () => {
  t = await startTestApp();
  admin = await t.signIn(t.admin);
});
afterAll(() => t.close());

const ANSWER_WITHIN_MS = 20_000;

function post(url: string, body: Buffer) {
  return admin.agent.post(url).set('X-CSRF-Token', admin.csrf).set('Content-Type', 'application/octet-stream').timeout(ANSWER_WITHIN_MS).send(body);
}
const upload = (projectId: number, query: string, body: Buffer) => post(`/api/projects/${projectId}/imports?${query}`, body);
const preview = (projectId: number, query: string, body: Buffer) => post(`/api/projects/${projectId}/imports/preview?${query}`, body);

async function documentsOf(projectId: number) {
  const { body } = await admin.agent.get(`/api/projects/${projectId}/documents?limit=500`).expect(200);
  return body.documents as { externalId: string; text: string; source: string | null; url: string | null; meta: Record<string, unknown> }[];
}
async function importsOf(projectId: number) {
  const { body } = await admin.agent.get(`/api/projects/${projectId}/imports`).expect(200);
  return body.imports as { status: string; format: string }[];
}

/** Records shaped as Dolma's Common Crawl files are: text, id, source, and the URL nested under metadata. */
const dolmaLike = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    id: `cc-${i}`,
    text: `Common Crawl page ${i} about ${i % 2 ? 'gardening' : 'astronomy'}.`,
    source: 'common-crawl',
    added: '2023-05-12',
    metadata: { url: `https://site${i}.example.org/page`, warc_date: '2019-07-15', length: 40 + i },
  }));
const jsonl = (rows: object[]) => Buffer.from(rows.map((r) => JSON.stringify(r)).join('\n') + '\n');

describe('gzip-compressed and JSON array files import', () => {
  it('imports .jsonl.gz with nested metadata kept, under the dotted paths --meta names', async () => {
    const project = await t.buildProject();
    const file = gzipSync(jsonl(dolmaLike(3)));
    const res = await upload(project.id, 'filename=cc_en_head-0000.jsonl.gz&idField=id&meta=metadata.url,source', file).expect(200);
    expect(res.body.import).toMatchObject({ status: 'succeeded', imported: 3, rejected: 0 });
    const docs = await documentsOf(project.id);
    expect(docs[0]).toMatchObject({
      externalId: 'cc-0',
      text: 'Common Crawl page 0 about astronomy.',
      meta: { metadata: { url: 'https://site0.example.org/page' }, source: 'common-crawl' },
      url: 'https://site0.example.org/page',
      source: 'common-crawl',
    });
    expect((docs[0].meta.metadata as Record<string, unknown>).warc_date).toBeUndefined();
    expect(await importsOf(project.id)).toMatchObject([{ status: 'succeeded', format: 'jsonl' }]);
  });

  it('keeps the whole nested metadata when --meta is not given, and a nested text field is not kept twice', async () => {
    const project = await t.buildProject();
    const rows = [{ doc: { body: 'Nested text one.', lang: 'en' }, metadata: { url: 'https://a.example/1', tags: ['x', 'y'] } }];
    const res = await upload(project.id, 'filename=n.jsonl.gz&textField=doc.body', gzipSync(jsonl(rows))).expect(200);
    expect(res.body.import.imported).toBe(1);
    const [doc] = await documentsOf(project.id);
    expect(doc).toMatchObject({
      text: 'Nested text one.',
      url: 'https://a.example/1',
      meta: { doc: { lang: 'en' }, metadata: { url: 'https://a.example/1', tags: ['x', 'y'] } },
    });
    expect(doc.meta.doc).toEqual({ lang: 'en' });
  });

  it('knows gzip by its magic bytes whatever the name', async () => {
    const project = await t.buildProject();
    await upload(project.id, 'filename=crawl.jsonl', gzipSync(jsonl(dolmaLike(2)))).expect(200);
    expect(await documentsOf(project.id)).toHaveLength(2);
  });

  it('imports a JSON array of 5,000 Alpaca-style records, a field of each as the text', async () => {
    const project = await t.buildProject();
    const rows = Array.from({ length: 5000 }, (_, i) => ({
      instruction: `Give an example of ${i}.`,
      input: i % 3 ? '' : `context ${i}`,
      output: `Example answer number ${i}.`,
    }));
    const res = await upload(project.id, 'filename=alpaca_data.json&textField=output', Buffer.from(JSON.stringify(rows, null, 2))).expect(200);
    expect(res.body.import).toMatchObject({ status: 'succeeded', imported: 5000 });
    const { body } = await admin.agent.get(`/api/projects/${project.id}/documents?limit=2`).expect(200);
    expect(body.documents[0]).toMatchObject({
      externalId: 'line-1',
      text: 'Example answer number 0.',
      meta: { instruction: 'Give an example of 0.', input: 'context 0' },
    });
    expect(await importsOf(project.id)).toMatchObject([{ format: 'json' }]);
  });

  it('imports a gzip-compressed JSON array and CSV', async () => {
    const project = await t.buildProject();
    await upload(project.id, 'filename=a.json.gz', gzipSync(Buffer.from(JSON.stringify([{ text: 'from json.gz' }])))).expect(200);
    await upload(project.id, 'filename=b.csv.gz&idField=id', gzipSync(Buffer.from('id,text,source\nc1,"from csv.gz, quoted",forum\n'))).expect(200);
    const docs = await documentsOf(project.id);
    expect(docs.map((d) => [d.text, d.source])).toEqual([
      ['from json.gz', null],
      ['from csv.gz, quoted', 'forum'],
    ]);
  });
});

describe('broken compressed and array files are refused, nothing written', () => {
  const cases: [string, string, () => Buffer, RegExp][] = [
    [
      'a truncated gzip stream',
      'filename=cc.jsonl.gz',
      () => gzipSync(jsonl(dolmaLike(200))).subarray(0, 600),
      /corrupt gzip data \(unexpected end of file\); the file was not read past line \d+/,
    ],
    [
      'gzip bytes that do not inflate',
      'filename=cc.jsonl.gz',
      () => Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff]),
      /corrupt gzip data/,
    ],
    ['a .gz name on plain bytes', 'filename=cc.jsonl.gz', () => jsonl(dolmaLike(1)), /is named \.gz but is not gzip-compressed/],
    [
      'a truncated JSON array',
      'filename=a.json',
      () => Buffer.from(JSON.stringify(dolmaLike(20)).slice(0, -40)),
      /malformed JSON array \(.+\) at or after element \d+; the file was not read past it/,
    ],
  ];
  it.each(cases)('%s', async (_name, query, body, message) => {
    const project = await t.buildProject();
    const res = await upload(project.id, `${query}&maxErrors=1000`, body()).expect(422);
    expect(res.body.import.status).toBe('failed');
    expect(res.body.import.errors.at(-1).message).toMatch(message);
    expect(res.body.error.message).toMatch(/nothing was imported/);
    expect(await documentsOf(project.id)).toEqual([]);
  });
});

describe('the import preview', () => {
  it('shows the first records of a gzip head as the mapping takes them, with the task payload, and writes nothing', async () => {
    const project = await t.buildProject();
    const whole = gzipSync(jsonl(dolmaLike(2000)));
    const head = whole.subarray(0, 4096);
    const res = await preview(project.id, 'filename=cc.jsonl.gz&idField=id&meta=metadata.url&partial=true&limit=3', head).expect(200);
    expect(res.body.preview.format).toBe('jsonl');
    expect(res.body.preview.records).toEqual(
      [0, 1, 2].map((i) => ({
        line: i + 1,
        document: {
          externalId: `cc-${i}`,
          text: dolmaLike(3)[i].text,
          meta: { metadata: { url: `https://site${i}.example.org/page` } },
          url: `https://site${i}.example.org/page`,
          source: `site${i}.example.org`,
          lang: null,
        },
        payload: { text: dolmaLike(3)[i].text },
      })),
    );
    expect(res.body.preview.fields).toEqual(['id', 'text', 'source', 'added', 'metadata.url', 'metadata.warc_date', 'metadata.length']);
    expect(await documentsOf(project.id)).toEqual([]);
    expect(await importsOf(project.id)).toEqual([]);
  });

  it('does not report the record the head was cut in, but does report a mapping that finds no text', async () => {
    const project = await t.buildProject();
    const head = jsonl(dolmaLike(3)).subarray(0, 250);
    const cut = await preview(project.id, 'filename=x.jsonl&partial=true', head).expect(200);
    expect(cut.body.preview.records.every((r: object) => 'document' in r)).toBe(true);
    const wrong = await preview(project.id, 'filename=x.jsonl&textField=content&partial=true', head).expect(200);
    expect(wrong.body.preview.records[0]).toEqual({ line: 1, error: 'missing text field "content"' });
  });

  it('says why a Parquet head cannot be previewed, and refuses a body over its cap', async () => {
    const project = await t.buildProject();
    const parquet = await preview(project.id, 'filename=x.parquet&partial=true', Buffer.from('PAR1')).expect(400);
    expect(parquet.body.error.message).toMatch(/Parquet file keeps its schema at its end/);
    await preview(project.id, 'filename=x.jsonl', Buffer.alloc(1024 * 1024 + 1, 0x20)).expect(413);
  });
});

describe('the import CLI checks the mapping first', () => {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  async function curate(args: string[]) {
    return promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/curate.ts'), ...args], {
      cwd: root,
      env: { ...process.env, CURATE_URL: t.url, CURATE_EMAIL: t.admin.email, CURATE_PASSWORD: TEST_PASSWORD },
      timeout: ANSWER_WITHIN_MS * 2,
    }).then(
      (ok) => ({ code: 0, ...ok }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
  }

  it('refuses a text field the first records lack before sending the file, and imports nested paths of a .jsonl.gz', async () => {
    const project = await t.buildProject();
    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'curate-import-formats-'));
    const file = path.join(dir, 'cc_en_head-0000.jsonl.gz');
    // Larger than the CLI's head, so a refusal means the file was not sent.
    await fs.promises.writeFile(file, gzipSync(jsonl(dolmaLike(20_000)), { level: 1 }));
    try {
      const bad = await curate(['import', file, '--project', project.name, '--text-field', 'content']);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(
        /nothing sent: none of the first \d+ record\(s\) of cc_en_head-0000\.jsonl\.gz \(read as jsonl\) gives a document \(line 1: missing text field "content"/,
      );
      expect(bad.stderr).toMatch(/fields in them: id, text, source, added, metadata\.url/);
      expect(await importsOf(project.id)).toEqual([]);

      const good = await curate(['import', file, '--project', project.name, '--id-field', 'id', '--meta', 'metadata.url,source']);
      expect(good.stdout).toMatch(/Imported 20000 document/);
      const [first] = await documentsOf(project.id);
      expect(first.meta).toEqual({ metadata: { url: 'https://site0.example.org/page' }, source: 'common-crawl' });
    } finally {
      await fs.promises.rm(dir, { recursive: true, force: true });
    }
  });
});

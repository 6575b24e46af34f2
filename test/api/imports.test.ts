import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { startTestApp, type SignedInAgent, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let admin: SignedInAgent;
beforeAll(async () => {
  t = await startTestApp({ MAX_DOCUMENT_BYTES: '2000' });
  admin = await t.signIn(t.admin);
});
afterAll(() => t.close());

function upload(projectId: number, query: string, body: Buffer | string) {
  return admin.agent
    .post(`/api/projects/${projectId}/imports?${query}`)
    .set('X-CSRF-Token', admin.csrf)
    .set('Content-Type', 'application/octet-stream')
    .send(Buffer.isBuffer(body) ? body : Buffer.from(body));
}

async function documentsOf(projectId: number) {
  const { body } = await admin.agent.get(`/api/projects/${projectId}/documents?limit=500`).expect(200);
  return body.documents as { externalId: string; text: string; source: string | null; url: string | null; lang: string | null; meta: Record<string, unknown>; tokenEstimate: number }[];
}

const jsonl = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

describe('good files', () => {
  it('imports JSONL with ids, metadata and token estimates', async () => {
    const project = await t.buildProject();
    const res = await upload(
      project.id,
      'filename=web.jsonl&idField=id&meta=url,source,lang',
      jsonl([
        { id: 'a', text: 'First document about cells.', url: 'https://example.org/a', source: 'wiki', lang: 'en', extra: 'dropped' },
        { id: 7, text: 'Second document, no source given.', url: 'https://news.example.com/b' },
      ]),
    ).expect(200);
    expect(res.body.import).toMatchObject({ status: 'succeeded', imported: 2, duplicates: 0, rejected: 0 });
    const docs = await documentsOf(project.id);
    expect(docs.map((d) => d.externalId)).toEqual(['a', '7']);
    expect(docs[0]).toMatchObject({ source: 'wiki', lang: 'en', url: 'https://example.org/a', meta: { url: 'https://example.org/a', source: 'wiki', lang: 'en' } });
    expect(docs[0].meta.extra).toBeUndefined();
    expect(docs[1].source).toBe('news.example.com');
    expect(docs[0].tokenEstimate).toBe(Math.ceil(Buffer.byteLength('First document about cells.') / 4));
  });

  it('imports CSV with quoted multi-line fields and a custom text field', async () => {
    const project = await t.buildProject();
    const csv = 'doc_id,body,source\n1,"Line one\nline two, with comma",forum\n2,"She said ""hi""",blog\n';
    const res = await upload(project.id, 'filename=c.csv&idField=doc_id&textField=body', csv).expect(200);
    expect(res.body.import.imported).toBe(2);
    const docs = await documentsOf(project.id);
    expect(docs[0].text).toBe('Line one\nline two, with comma');
    expect(docs[1].text).toBe('She said "hi"');
    expect(docs[1].source).toBe('blog');
  });

  it('imports Parquet', async () => {
    const project = await t.buildProject();
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: 'id', data: ['p1', 'p2', 'p3'], type: 'STRING' },
        { name: 'content', data: ['alpha text', 'beta text', 'gamma text'], type: 'STRING' },
        { name: 'source', data: ['code', 'math', 'code'], type: 'STRING' },
        { name: 'score', data: [1n, 2n, 3n], type: 'INT64' },
      ],
    });
    const res = await upload(project.id, 'filename=d.parquet&idField=id&textField=content', Buffer.from(buffer)).expect(200);
    expect(res.body.import).toMatchObject({ status: 'succeeded', imported: 3 });
    const docs = await documentsOf(project.id);
    expect(docs.map((d) => d.text)).toEqual(['alpha text', 'beta text', 'gamma text']);
    expect(docs[2].meta).toMatchObject({ source: 'code', score: 3 });
  });

  it('skips and counts exact duplicates, within the file and against earlier imports', async () => {
    const project = await t.buildProject();
    await upload(project.id, 'filename=a.jsonl', jsonl([{ text: 'same' }, { text: 'same' }, { text: 'other' }])).expect(200)
      .then((r) => expect(r.body.import).toMatchObject({ imported: 2, duplicates: 1 }));
    const again = await upload(project.id, 'filename=b.jsonl', jsonl([{ text: 'same' }, { text: 'new' }])).expect(200);
    expect(again.body.import).toMatchObject({ imported: 1, duplicates: 1 });
    expect(await documentsOf(project.id)).toHaveLength(3);
  });
});

describe('bad input is reported by line and nothing is written', () => {
  const cases: [string, string, string | Buffer, RegExp][] = [
    ['malformed JSON', 'filename=x.jsonl', '{"text":"ok"}\n{"text": oops}\n', /malformed JSON/],
    ['a missing text field', 'filename=x.jsonl', '{"text":"ok"}\n{"body":"no text"}\n', /missing text field "text"/],
    ['a wrong type', 'filename=x.jsonl', '{"text":"ok"}\n{"text":42}\n', /must be a string, got number/],
    ['a non-object line', 'filename=x.jsonl', '{"text":"ok"}\n[1,2]\n', /expected a JSON object/],
    ['invalid UTF-8', 'filename=x.jsonl', Buffer.concat([Buffer.from('{"text":"ok"}\n{"text":"bad '), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')]), /invalid UTF-8/],
    ['an oversized document', 'filename=x.jsonl', `{"text":"ok"}\n${JSON.stringify({ text: 'x'.repeat(3000) })}\n`, /exceeds the limit of 2000/],
    ['a wrong id type', 'filename=x.jsonl&idField=id', '{"id":"a","text":"ok"}\n{"id":{"x":1},"text":"t"}\n', /id field "id" must be a string or number/],
    ['invalid UTF-8 in CSV', 'filename=x.csv', Buffer.concat([Buffer.from('text\nok\nbad '), Buffer.from([0xff]), Buffer.from('\n')]), /invalid UTF-8/],
  ];
  for (const [name, query, body, message] of cases) {
    it(`refuses ${name} on line ${name.includes('CSV') ? 3 : 2}`, async () => {
      const project = await t.buildProject();
      const res = await upload(project.id, query, body).expect(422);
      expect(res.body.error.message).toMatch(/nothing was imported/);
      expect(res.body.import).toMatchObject({ status: 'failed', imported: 0, rejected: 1 });
      expect(res.body.import.errors).toEqual([{ line: name.includes('CSV') ? 3 : 2, message: expect.stringMatching(message) }]);
      expect(await documentsOf(project.id)).toHaveLength(0);
    });
  }

  it('reports a broken CSV structure', async () => {
    const project = await t.buildProject();
    const res = await upload(project.id, 'filename=x.csv', 'text,source\nok,a\n"unterminated,b\n').expect(422);
    expect(res.body.import.errors[0].message).toMatch(/malformed CSV/);
  });

  it('is all-or-nothing: a bad record after many good chunks leaves no rows', async () => {
    const project = await t.buildProject();
    const rows = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ text: `document number ${i}` }));
    rows.push('{"text": broken');
    const res = await upload(project.id, 'filename=big.jsonl', rows.join('\n')).expect(422);
    expect(res.body.import.errors[0].line).toBe(5001);
    expect(await documentsOf(project.id)).toHaveLength(0);
    const history = await admin.agent.get(`/api/projects/${project.id}/imports`).expect(200);
    expect(history.body.imports[0]).toMatchObject({ status: 'failed', imported: 0 });
  });

  it('imports the good records when told to tolerate bad ones, and still lists them', async () => {
    const project = await t.buildProject();
    const res = await upload(project.id, 'filename=x.jsonl&maxErrors=5', '{"text":"ok"}\nnot json\n{"text":"fine"}\n').expect(200);
    expect(res.body.import).toMatchObject({ status: 'succeeded', imported: 2, rejected: 1 });
    expect(res.body.import.errors[0].line).toBe(2);
  });

  it('refuses an unknown format, an empty file and an unreadable Parquet file with clear messages', async () => {
    const project = await t.buildProject();
    const unknown = await upload(project.id, 'filename=x.txt', 'hello').expect(400);
    expect(unknown.body.error.message).toMatch(/Cannot tell the format/);
    const empty = await upload(project.id, 'filename=x.jsonl', '\n\n').expect(422);
    expect(empty.body.error.message).toMatch(/no documents/);
    const parquet = await upload(project.id, 'filename=x.parquet', 'not parquet at all').expect(422);
    expect(parquet.body.import.errors[0].message).toMatch(/not a readable Parquet file/);
  });

  it('answers 404 for an unknown project', async () => {
    await upload(999999, 'filename=x.jsonl', '{"text":"ok"}\n').expect(404);
  });
});

describe('documents table', () => {
  it('pages by id and searches', async () => {
    const project = await t.buildProject();
    await upload(project.id, 'filename=x.jsonl', jsonl(Array.from({ length: 25 }, (_, i) => ({ text: `doc ${i} ${i % 5 === 0 ? 'needle' : 'hay'}` })))).expect(200);
    const first = await admin.agent.get(`/api/projects/${project.id}/documents?limit=10`).expect(200);
    expect(first.body.documents).toHaveLength(10);
    expect(first.body.stats.total).toBe(25);
    const second = await admin.agent.get(`/api/projects/${project.id}/documents?limit=10&after=${first.body.nextAfter}`).expect(200);
    expect(second.body.documents[0].id).toBeGreaterThan(first.body.documents[9].id);
    const found = await admin.agent.get(`/api/projects/${project.id}/documents?search=needle`).expect(200);
    expect(found.body.documents).toHaveLength(5);
    const percent = await admin.agent.get(`/api/projects/${project.id}/documents?search=${encodeURIComponent('%')}`).expect(200);
    expect(percent.body.documents).toHaveLength(0);
  });
});

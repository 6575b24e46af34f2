import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { parquetMetadata } from 'hyparquet';
import { rowsOf } from '../../server/db/store.ts';
import type { DomainEvent } from '../../server/events.ts';
import { startTestApp, TEST_PASSWORD, type SignedInAgent, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let admin: SignedInAgent;
beforeAll(async () => {
  t = await startTestApp({ MAX_DOCUMENT_BYTES: '2000' });
  admin = await t.signIn(t.admin);
});
afterAll(() => t.close());

/** A hung import fails the test after this long instead of at the suite's two-minute timeout. */
const ANSWER_WITHIN_MS = 20_000;

function upload(projectId: number, query: string, body: Buffer | string, contentType = 'application/octet-stream') {
  return (
    admin.agent
      .post(`/api/projects/${projectId}/imports?${query}`)
      .set('X-CSRF-Token', admin.csrf)
      .set('Content-Type', contentType)
      .timeout(ANSWER_WITHIN_MS)
      // A string goes as it is; superagent would serialise a Buffer sent as application/json.
      .send(body)
  );
}

/**
 * Uploads a body written piece by piece (chunked transfer encoding), as a large file arrives; `write` may pause
 * between pieces. Resolves with the status and parsed answer.
 */
function streamUpload(projectId: number, query: string, write: (req: http.ClientRequest) => Promise<void>) {
  return new Promise<{ status: number; body: { import: ImportBody; error?: { message: string } } }>((resolve, reject) => {
    const req = http.request(`${t.url}/api/projects/${projectId}/imports?${query}`, {
      method: 'POST',
      headers: { Cookie: admin.cookie, 'X-CSRF-Token': admin.csrf, 'Content-Type': 'application/octet-stream' },
      timeout: ANSWER_WITHIN_MS,
    });
    req.on('timeout', () => req.destroy(new Error('no answer')));
    req.on('error', reject);
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    write(req).then(() => req.end(), reject);
  });
}

interface ImportBody {
  status: string;
  imported: number;
  rejected: number;
  errors: { line: number; message: string }[];
}

/** Writes a piece, waiting for the socket to take it, as a client streaming a file does. */
function writePiece(req: http.ClientRequest, piece: string | Buffer) {
  return new Promise<void>((resolve, reject) => req.write(piece, (error) => (error ? reject(error) : resolve())));
}

async function documentsOf(projectId: number) {
  const { body } = await admin.agent.get(`/api/projects/${projectId}/documents?limit=500`).expect(200);
  return body.documents as {
    externalId: string;
    text: string;
    source: string | null;
    url: string | null;
    lang: string | null;
    meta: Record<string, unknown>;
    tokenEstimate: number;
  }[];
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
    expect(docs[0]).toMatchObject({
      source: 'wiki',
      lang: 'en',
      url: 'https://example.org/a',
      meta: { url: 'https://example.org/a', source: 'wiki', lang: 'en' },
    });
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
    await upload(project.id, 'filename=a.jsonl', jsonl([{ text: 'same' }, { text: 'same' }, { text: 'other' }]))
      .expect(200)
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
    [
      'invalid UTF-8',
      'filename=x.jsonl',
      Buffer.concat([Buffer.from('{"text":"ok"}\n{"text":"bad '), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')]),
      /invalid UTF-8/,
    ],
    ['an oversized document', 'filename=x.jsonl', `{"text":"ok"}\n${JSON.stringify({ text: 'x'.repeat(3000) })}\n`, /exceeds the limit of 2000/],
    [
      'a wrong id type',
      'filename=x.jsonl&idField=id',
      '{"id":"a","text":"ok"}\n{"id":{"x":1},"text":"t"}\n',
      /id field "id" must be a string or number/,
    ],
    [
      'invalid UTF-8 in CSV',
      'filename=x.csv',
      Buffer.concat([Buffer.from('text\nok\nbad '), Buffer.from([0xff]), Buffer.from('\n')]),
      /invalid UTF-8/,
    ],
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
    await upload(
      project.id,
      'filename=x.jsonl',
      jsonl(Array.from({ length: 25 }, (_, i) => ({ text: `doc ${i} ${i % 5 === 0 ? 'needle' : 'hay'}` }))),
    ).expect(200);
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

/** The store answers a request that reads it: nothing is left holding its one connection (PGlite) or a lock. */
async function storeStillServes(projectId: number) {
  await admin.agent.get(`/api/projects/${projectId}/documents`).timeout(ANSWER_WITHIN_MS).expect(200);
}

/** On PostgreSQL, connections of this test database left inside a transaction nobody will finish. */
async function idleInTransaction() {
  if (t.ctx.store.kind !== 'postgres') return 0;
  const [row] = await rowsOf<{ n: number }>(
    t.ctx.store.db,
    sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'`,
  );
  return row.n;
}

describe('a file that cannot be parsed ends its import and the server keeps serving', () => {
  // The line where random bytes or JSON first break CSV depends on the bytes: only the stray quote pins it.
  const unreadable: [string, string, Buffer, string, number | undefined, RegExp][] = [
    ['a stray quote in CSV', 'filename=w.csv', Buffer.from('text,id\nfine,1\nbad"quote,2\n'), 'text/csv', 3, /malformed CSV/],
    ['random bytes named .csv', 'filename=r.csv', randomBytes(64 * 1024), 'text/csv', undefined, /./],
    ['JSONL named .csv', 'filename=j.csv', Buffer.from('{"text":"a, b","id":1}\n{"text":"c","id":2}\n'), 'text/csv', undefined, /malformed CSV/],
  ];
  for (const [name, query, body, contentType, line, message] of unreadable) {
    it(`answers 422 for ${name} with the line, then serves and imports again`, async () => {
      const project = await t.buildProject();
      const res = await upload(project.id, query, body, contentType).expect(422);
      expect(res.body.import).toMatchObject({ status: 'failed', imported: 0 });
      expect(res.body.import.errors[0]).toEqual({ line: expect.any(Number), message: expect.stringMatching(message) });
      if (line !== undefined) expect(res.body.import.errors[0].line).toBe(line);
      await storeStillServes(project.id);
      await upload(project.id, 'filename=ok.jsonl', '{"text":"a good document"}\n').expect(200);
      expect(await documentsOf(project.id)).toHaveLength(1);
      expect(await idleInTransaction()).toBe(0);
    });
  }

  it('fails a CSV whose structure breaks even when bad records are tolerated: the rest of the file was never read', async () => {
    const project = await t.buildProject();
    const res = await upload(project.id, 'filename=w.csv&maxErrors=10', 'text,id\nfine,1\nbad"quote,2\nlater,3\n').expect(422);
    expect(res.body.import.errors).toEqual([{ line: 3, message: expect.stringMatching(/malformed CSV.*not read past line 3/) }]);
    expect(await documentsOf(project.id)).toHaveLength(0);
  });

  it('fails a Parquet file with a corrupt row group at its first row, whatever the tolerance', async () => {
    const project = await t.buildProject();
    const buffer = Buffer.from(
      parquetWriteBuffer({
        columnData: [{ name: 'text', data: Array.from({ length: 20 }, (_, i) => `document ${i}`), type: 'STRING' }],
        rowGroupSize: 10,
      }),
    );
    const { row_groups } = parquetMetadata(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.length));
    const secondGroup = Number(row_groups[1].columns[0].meta_data!.data_page_offset);
    buffer.fill(0xff, secondGroup, secondGroup + 6); // its page header
    const res = await upload(project.id, 'filename=c.parquet&maxErrors=5', buffer).expect(422);
    expect(res.body.import.errors).toEqual([{ line: 11, message: expect.stringMatching(/^unreadable Parquet row group: .*not read past row 11$/) }]);
    expect(await documentsOf(project.id)).toHaveLength(0);
  });

  it('answers a bad CSV sent in pieces while the client is still sending', async () => {
    const project = await t.buildProject();
    const res = await streamUpload(project.id, 'filename=w.csv', async (req) => {
      await writePiece(req, 'text,id\nfine,1\nbad"quote,2\n');
      for (let i = 0; i < 200; i++) await writePiece(req, `row ${i},${i}\n`.repeat(500));
    });
    expect(res.status).toBe(422);
    expect(res.body.import.errors[0].line).toBe(3);
    await storeStillServes(project.id);
    expect(await idleInTransaction()).toBe(0);
  });
});

describe('documents the project cannot show are refused at import, by line', () => {
  it('refuses a pairwise document without response_b', async () => {
    const project = await t.buildProject({ taskType: 'pairwise-preference' });
    const res = await upload(
      project.id,
      'filename=p.jsonl',
      jsonl([
        { text: 'x', prompt: 'p', response_a: 'a', response_b: 'b' },
        { text: 'y', prompt: 'p', response_a: 'a' },
      ]),
    ).expect(422);
    expect(res.body.import.errors).toEqual([{ line: 2, message: expect.stringMatching(/response_b/) }]);
    expect(await documentsOf(project.id)).toHaveLength(0);
  });

  it('refuses synthetic-review documents with no prompt under the mapping, and imports the rest when tolerated', async () => {
    const project = await t.buildProject({ taskType: 'synthetic-review' });
    const res = await upload(
      project.id,
      'filename=s.jsonl&maxErrors=1',
      jsonl([{ text: 'a response', prompt: 'q' }, { text: 'a response, no prompt' }]),
    ).expect(200);
    expect(res.body.import).toMatchObject({ imported: 1, rejected: 1, errors: [{ line: 2, message: expect.stringMatching(/"prompt"/) }] });
  });
});

describe('size limits cover the whole record (limit 2000 bytes here)', () => {
  it('refuses a record whose metadata is over the limit', async () => {
    const project = await t.buildProject();
    const res = await upload(project.id, 'filename=m.jsonl', jsonl([{ text: 'ok' }, { text: 'short', notes: 'n'.repeat(3000) }])).expect(422);
    expect(res.body.import.errors).toEqual([{ line: 2, message: expect.stringMatching(/exceeds the limit of 2000/) }]);
  });

  it('reports a JSONL line far over the limit, streamed in pieces, and goes on past it when tolerated', async () => {
    const project = await t.buildProject();
    const res = await streamUpload(project.id, 'filename=big.jsonl&maxErrors=1', async (req) => {
      await writePiece(req, '{"text":"before"}\n{"text":"huge","blob":"');
      for (let i = 0; i < 64; i++) await writePiece(req, 'x'.repeat(64 * 1024));
      await writePiece(req, '"}\n{"text":"after"}\n');
    });
    expect(res.status).toBe(200);
    expect(res.body.import).toMatchObject({ imported: 2, rejected: 1 });
    expect(res.body.import.errors).toEqual([{ line: 2, message: expect.stringMatching(/exceeds the limit of 2000/) }]);
    expect((await documentsOf(project.id)).map((d) => d.text)).toEqual(['before', 'after']);
  });

  it('refuses a quoted CSV field far over the limit, spread over many lines', async () => {
    const project = await t.buildProject();
    const res = await streamUpload(project.id, 'filename=big.csv', async (req) => {
      await writePiece(req, 'text,notes\nfine,short\nhuge,"');
      for (let i = 0; i < 64; i++) await writePiece(req, 'y'.repeat(1023).concat('\n').repeat(64));
      await writePiece(req, '"\nafter,x\n');
    });
    expect(res.status).toBe(422);
    expect(res.body.import.errors).toEqual([{ line: 3, message: expect.stringMatching(/exceeds the limit of 2000/) }]);
    expect(await documentsOf(project.id)).toHaveLength(0);
  });
});

describe('smaller import faults', () => {
  it('reads JSONL that starts with a UTF-8 byte order mark', async () => {
    const project = await t.buildProject();
    const res = await upload(project.id, 'filename=bom.jsonl', Buffer.from('\uFEFF{"text":"first"}\n{"text":"second"}\n')).expect(200);
    expect(res.body.import.imported).toBe(2);
  });

  it('reports a NUL character by line, in the text or in metadata', async () => {
    const project = await t.buildProject();
    const res = await upload(
      project.id,
      'filename=nul.jsonl&maxErrors=5',
      '{"text":"ok"}\n{"text":"a\\u0000b"}\n{"text":"fine","note":"x\\u0000"}\n',
    ).expect(200);
    expect(res.body.import).toMatchObject({ imported: 1, rejected: 2 });
    expect(res.body.import.errors).toEqual([
      { line: 2, message: expect.stringMatching(/NUL/) },
      { line: 3, message: expect.stringMatching(/"note" contains a NUL/) },
    ]);
  });

  it('imports JSONL sent as application/json', async () => {
    const project = await t.buildProject();
    const res = await upload(project.id, 'filename=a.jsonl', '{"text":"one"}\n{"text":"two"}\n', 'application/json').expect(200);
    expect(res.body.import.imported).toBe(2);
    const single = await upload(project.id, 'filename=one.json', '{"text":"three"}', 'application/json').expect(200);
    expect(single.body.import.imported).toBe(1);
  });

  it('leaves no import "running" while an upload is under way, so a crash then leaves none behind', async () => {
    const project = await t.buildProject();
    const read = new Promise<void>((resolve) => {
      const stop = t.ctx.events.subscribe((event: DomainEvent) => {
        if (event.name === 'import:progress' && event.payload.projectId === project.id && event.payload.records > 0) {
          stop();
          resolve();
        }
      });
    });
    let finish!: () => void;
    const held = new Promise<void>((resolve) => (finish = resolve));
    const answered = streamUpload(project.id, 'filename=slow.jsonl', async (req) => {
      await writePiece(req, '{"text":"first"}\n');
      await held;
      await writePiece(req, '{"text":"second"}\n');
    });
    await read;
    const during = await admin.agent.get(`/api/projects/${project.id}/imports`).expect(200);
    expect(during.body.imports.filter((i: { status: string }) => i.status === 'running')).toEqual([]);
    expect(await idleInTransaction()).toBe(0); // nor does a slow client hold a connection in a transaction
    finish();
    expect((await answered).body.import).toMatchObject({ status: 'succeeded', imported: 2 });
    const after = await admin.agent.get(`/api/projects/${project.id}/imports`).expect(200);
    expect(after.body.imports.map((i: { status: string }) => i.status)).toEqual(['succeeded']);
  });
});

describe('imports an earlier version left running', () => {
  it('are marked failed, with the reason, by the next import of the project', async () => {
    const project = await t.buildProject();
    await rowsOf(
      t.ctx.store.db,
      sql`insert into imports (project_id, filename, format, status) values (${project.id}, 'old.jsonl', 'jsonl', 'running')`,
    );
    await upload(project.id, 'filename=new.jsonl', '{"text":"fresh"}\n').expect(200);
    const { body } = await admin.agent.get(`/api/projects/${project.id}/imports`).expect(200);
    expect(body.imports.map((i: { filename: string; status: string }) => [i.filename, i.status])).toEqual([
      ['new.jsonl', 'succeeded'],
      ['old.jsonl', 'failed'],
    ]);
    expect(JSON.stringify(body.imports[1])).toMatch(/Interrupted: the server stopped before this import finished/);
  });
});

describe('the import CLI', () => {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  it('prints the line-numbered report of a file that cannot be parsed, and exits 1', async () => {
    const project = await t.buildProject();
    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'curate-import-cli-'));
    const file = path.join(dir, 'w.csv');
    await fs.promises.writeFile(file, 'text,id\nfine,1\nbad"quote,2\n');
    const outcome = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'scripts/curate.ts'), 'import', file, '--project', project.name],
      {
        cwd: root,
        env: { ...process.env, CURATE_URL: t.url, CURATE_EMAIL: t.admin.email, CURATE_PASSWORD: TEST_PASSWORD },
        timeout: ANSWER_WITHIN_MS * 2,
      },
    ).then(
      (ok) => ({ code: 0, ...ok }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    await fs.promises.rm(dir, { recursive: true, force: true });
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toMatch(/line 3: malformed CSV: Invalid Opening Quote/);
    expect(outcome.stdout).toMatch(/The file could not be read past line 3: nothing was imported/);
  });
});

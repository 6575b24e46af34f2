import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.ts';
import { buildBatch, buildDocuments, buildTokenClient } from '../support/factories.ts';
import { offlineMethods } from '../../scripts/cli/aggregate.ts';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let t: TestApp;
let dir: string;

beforeAll(async () => {
  t = await startTestApp();
  dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'curate-cli-'));
});
afterAll(async () => {
  await t.close();
  await fs.promises.rm(dir, { recursive: true, force: true });
});

/** Runs the CLI as a user would, against the test server; resolves with exit code and output. */
async function curate(args: string[], env: Record<string, string> = {}) {
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

describe('curate CLI (a client of the API)', () => {
  it('creates a project, imports with a progress line, lists, and exports', async () => {
    expect((await curate(['projects', 'create', '--name', 'cli', '--task-type', 'quality-rating'])).stdout).toMatch(/created project/);
    const file = path.join(dir, 'docs.jsonl');
    await fs.promises.writeFile(
      file,
      ['{"id":"a","text":"first","source":"wiki"}', '{"id":"b","text":"second"}', '{"id":"c","text":"first"}'].join('\n'),
    );
    const imported = await curate(['import', file, '--project', 'cli', '--id-field', 'id', '--meta', 'source']);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/Imported 2 document\(s\); 1 exact duplicate/);
    expect(imported.stderr).toMatch(/importing docs\.jsonl 100%/);
    const listed = await curate(['projects', 'list']);
    expect(listed.stdout).toMatch(/cli\tquality-rating\t2\t0\t0/);
    const batch = await curate(['batches', 'create', '--project', 'cli', '--name', 'b1', '--size', '2', '--redundancy', '1', '--stratify', 'source']);
    expect(batch.stdout).toMatch(/created batch \d+ \(draft\): 2 item\(s\)/);
    const out = path.join(dir, 'set.jsonl');
    const exported = await curate(['export', '--project', 'cli', '--format', 'jsonl', '--out', out]);
    expect(exported.code).toBe(0);
    expect(await fs.promises.readFile(out, 'utf8')).toBe('');
    const layout = path.join(dir, 'layout');
    const hf = await curate(['export', '--project', 'cli', '--format', 'hf', '--out', layout]);
    expect(hf).toMatchObject({ code: 0, stderr: expect.not.stringContaining('curate:'), stdout: expect.stringContaining('wrote 1 file(s)') });
    expect(await fs.promises.readFile(path.join(layout, 'README.md'), 'utf8')).toMatch(/^---\n/);
  });

  it('reads and writes relative paths where npm was started (INIT_CWD), not in the package folder npm moves to', async () => {
    const here = await fs.promises.mkdtemp(path.join(dir, 'here-'));
    const inHere = { INIT_CWD: here };
    await curate(['projects', 'create', '--name', 'cli-relative', '--task-type', 'quality-rating']);
    await fs.promises.writeFile(path.join(here, 'mine.jsonl'), '{"text":"relative"}\n');
    expect(await curate(['import', 'mine.jsonl', '--project', 'cli-relative'], inHere)).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/Imported 1 document/),
    });
    expect((await curate(['export', '--project', 'cli-relative', '--format', 'jsonl', '--out', 'out.jsonl'], inHere)).code).toBe(0);
    expect(fs.existsSync(path.join(here, 'out.jsonl'))).toBe(true);
    await fs.promises.writeFile(path.join(here, 'answers.csv'), 'item,worker,label\ni1,w1,yes\ni1,w2,yes\ni1,w3,no\n');
    await fs.promises.writeFile(path.join(here, 'gold.csv'), 'item,truth\ni1,yes\n');
    const aggregated = await curate(['aggregate', '--answers', 'answers.csv', '--gold', 'gold.csv', '--method', 'mv', '--out', 'result.csv'], inHere);
    expect(aggregated).toMatchObject({ code: 0, stdout: expect.stringContaining('accuracy 1.0000 over 1 gold items') });
    expect(await fs.promises.readFile(path.join(here, 'result.csv'), 'utf8')).toMatch(/^item,label,confidence\ni1,yes,/);
    expect(fs.existsSync(path.join(root, 'out.jsonl')) || fs.existsSync(path.join(root, 'result.csv'))).toBe(false);
  });

  it('lists batches with their broken items counted apart from complete and open ones', async () => {
    const project = await t.buildProject({ taskType: 'synthetic-review' });
    const { db } = t.ctx.store;
    await db.execute(sql`update projects set open_to_all = true where id = ${project.id}`);
    await buildDocuments(t, project.id, [{ id: 'ok', text: `fine ${randomUUID()}`, prompt: 'a prompt' }]);
    // A document without the prompt the task type shows, as an import from before imports checked left it.
    await db.execute(sql`insert into documents (project_id, external_id, content_hash, text, meta, token_estimate)
                         values (${project.id}, 'bad', ${randomUUID()}, 'no prompt here', '{}'::jsonb, 5)`);
    const { batch } = await buildBatch(t, project.id, { redundancy: 1 });
    await (await buildTokenClient(t)).post(`/api/projects/${project.id}/tasks/lease`, { count: 2 }).expect(200);
    const listed = await curate(['batches', 'list', '--project', project.name]);
    expect(listed.code).toBe(0);
    const [header, row] = listed.stdout
      .trim()
      .split('\n')
      .map((line) => line.split('\t'));
    expect(Object.fromEntries(header.map((column, i) => [column, row[i]]))).toMatchObject({
      id: String(batch.id),
      items: '2',
      complete: '0',
      broken: '1',
      leased: '1',
    });
  });

  it('reports a refused import with line numbers and exit 1', async () => {
    await curate(['projects', 'create', '--name', 'cli-bad', '--task-type', 'quality-rating']);
    const file = path.join(dir, 'bad.jsonl');
    await fs.promises.writeFile(file, '{"text":"ok"}\n{"text": 5}\n');
    const res = await curate(['import', file, '--project', 'cli-bad']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/line 2: text field "text" must be a string/);
    expect(res.stdout).toMatch(/nothing was imported/);
  });

  it('gives one clear line and a non-zero exit for bad arguments, bad credentials and unknown things', async () => {
    const missing = await curate(['import']);
    expect(missing).toMatchObject({ code: 2, stderr: 'curate: missing FILE (npm run curate -- import --help)\n' });
    expect(await curate(['import', '--bogus'])).toMatchObject({
      code: 2,
      stderr: 'curate: unknown option --bogus (npm run curate -- import --help)\n',
    });
    // A second file is refused, not silently left out of the import.
    const two = await curate(['import', path.join(dir, 'a.jsonl'), path.join(dir, 'b.jsonl'), '--project', 'cli']);
    expect(two).toMatchObject({ code: 2, stderr: `curate: unexpected argument "${path.join(dir, 'b.jsonl')}" (npm run curate -- import --help)\n` });
    expect(await curate(['projects', 'list', 'everything'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('unexpected argument "everything"'),
    });
    expect(await curate(['aggregate', '--answers', 'x.csv', '--out', 'y.csv', '--method', 'best'])).toMatchObject({
      code: 2,
      stderr: `curate: --method must be one of ${[...Object.keys(offlineMethods), 'ordinal', 'all'].join('|')} (npm run curate -- aggregate --help)\n`,
    });
    expect((await curate(['nope'])).stderr).toMatch(/unknown command "nope"/);
    const wrong = await curate(['projects', 'list'], { CURATE_PASSWORD: 'wrong' });
    expect(wrong).toMatchObject({ code: 1, stderr: 'curate: POST /api/auth/login: Wrong email or password\n' });
    const noProject = await curate(['import', path.join(dir, 'bad.jsonl'), '--project', 'missing']);
    expect(noProject.stderr).toMatch(/no project named "missing"/);
    const down = await curate(['projects', 'list'], { CURATE_URL: 'http://127.0.0.1:9' });
    expect(down.stderr).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9/);
    expect((await curate(['import', '--help'])).stdout).toMatch(/Usage: npm run curate -- import FILE/);
    for (const name of ['projects', 'users', 'batches', 'mturk', 'export', 'aggregate']) {
      const help = await curate([name, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`npm run curate -- ${name}`);
    }
  });

  it('adds, lists and removes project members and opens a project to all', async () => {
    await curate(['projects', 'create', '--name', 'cli-members', '--task-type', 'quality-rating']);
    const annotator = await t.buildUser('annotator');
    const signedIn = await t.signIn(annotator);
    const add = await curate(['members', 'add', '--project', 'cli-members', '--email', annotator.email, '--role', 'reviewer']);
    expect(add).toMatchObject({ code: 0, stdout: expect.stringMatching(/is now reviewer of cli-members \(labels only/) });
    const list = await curate(['members', 'list', '--project', 'cli-members']);
    expect(list.stdout).toMatch(/members only/);
    expect(list.stdout).toContain(`${annotator.email}\t${annotator.name}\treviewer\tannotator\tactive`);
    const projectId = (await t.ctx.store.db.query.projects.findFirst({ where: (p, { eq }) => eq(p.name, 'cli-members') }))!.id;
    await signedIn.agent.get(`/api/projects/${projectId}`).expect(200);

    expect((await curate(['members', 'remove', '--project', 'cli-members', '--email', annotator.email])).stdout).toMatch(/removed/);
    await signedIn.agent.get(`/api/projects/${projectId}`).expect(404);
    expect((await curate(['members', 'remove', '--project', 'cli-members', '--email', annotator.email])).stderr).toMatch(/is not a member/);

    expect((await curate(['members', 'open', '--project', 'cli-members', '--to-all', 'true'])).stdout).toMatch(/open to all annotators/);
    await signedIn.agent.get(`/api/projects/${projectId}`).expect(200);
    expect((await curate(['members', 'add', '--project', 'cli-members', '--email', annotator.email, '--role', 'admin'])).code).toBe(2);
  });
});

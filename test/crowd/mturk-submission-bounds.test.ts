import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { startMturkEmulator, type MturkEmulator } from '../support/mturk-emulator/index.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { buildBatch, buildDocuments, buildTokenClient } from '../support/factories.ts';
import { rowsOf } from '../../server/db/store.ts';
import { SUBMISSIONS_PER_ADDRESS, SUBMISSIONS_PER_HIT } from '../../server/routes/mturk-worker.routes.ts';
import { submissionCapOfHit } from '../../server/crowd/submission-bounds.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

let emulator: MturkEmulator;
let t: TestApp;
let admin: Awaited<ReturnType<typeof buildTokenClient>>;

beforeAll(async () => {
  emulator = await startMturkEmulator({ balance: '50.00' });
  t = await startTestApp({ MTURK_ENDPOINT: emulator.url, PUBLIC_URL: 'http://127.0.0.1:9' });
  admin = await buildTokenClient(t, 'admin');
});
afterAll(async () => {
  await t.close();
  await emulator.close();
});

/**
 * Every test sends from its own loopback address (all of 127/8 reaches the server), so one test's use of the
 * per-address limit leaves the others untouched.
 */
let lastAddress = 1;
const freshAddress = () => `127.0.0.${++lastAddress}`;

/** POSTs a submission to our public route from a chosen client address. */
function submit(from: string, body: unknown): Promise<{ status: number; body: { token?: string; error?: { id: string; message: string } } }> {
  const url = new URL(`${t.url}/api/mturk/submissions`);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        localAddress: from,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString() || '{}') }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const publishBody = {
  itemsPerHit: 2,
  reward: '0.10',
  title: 'Rate web text',
  description: 'Rate each document',
  budget: '5.00',
  assignmentDurationSeconds: 600,
};

/** A published crowd batch of 4 documents in HITs of 2 items, k assignments each; returns its first HIT. */
async function publishedHit(k: number) {
  const project = await t.buildProject();
  await buildDocuments(
    t,
    project.id,
    Array.from({ length: 4 }, (_, i) => ({ id: `d${i}`, text: `crowd document ${i} ${randomUUID()}` })),
  );
  const { batch } = await buildBatch(t, project.id, { redundancy: k, channel: 'crowd' }, false);
  await admin.post(`/api/batches/${batch.id}/crowd/publish`, publishBody).expect(200);
  const status = await admin.get(`/api/projects/${project.id}/crowd/status`).expect(200);
  const [hit] = status.body.hits as { id: number; externalId: string; itemIds: number[]; maxAssignments: number }[];
  return { project, batchId: batch.id, hit: { ...hit, itemIds: hit.itemIds.map(Number) } };
}

type Hit = Awaited<ReturnType<typeof publishedHit>>['hit'];

const answersFor = (hit: Hit, score = 3) => hit.itemIds.map((itemId) => ({ itemId, value: { score }, timeSpentMs: 1000 }));
const forgedBody = (hit: Hit, n: number) => ({ hitId: hit.externalId, assignmentId: `FORGED${n}`, workerId: `W${n}`, judgments: answersFor(hit) });

/** What a worker's browser does: accept on MTurk, send answers to us, and (unless it abandons) submit to MTurk. */
async function workOnHit(from: string, hit: Hit, workerId: string, options: { submitToMturk: boolean } = { submitToMturk: true }) {
  const accept = await fetch(`${emulator.url}/_worker/accept`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ hitId: hit.externalId, workerId }),
  });
  const { assignmentId } = (await accept.json()) as { assignmentId: string };
  const sent = await submit(from, { hitId: hit.externalId, assignmentId, workerId, judgments: answersFor(hit, 5) });
  expect(sent.status).toBe(201);
  if (options.submitToMturk) {
    const done = await fetch(`${emulator.url}/mturk/externalSubmit`, {
      method: 'POST',
      body: new URLSearchParams({ assignmentId, curateToken: sent.body.token! }),
    });
    expect(done.status).toBe(200);
  }
  return { assignmentId, token: sent.body.token! };
}

async function countsOf(hit: Hit) {
  const [row] = await rowsOf<{ submissions: number; judgments: number }>(
    t.ctx.store.db,
    sql`select (select count(*)::int from crowd_submissions where hit_id = ${hit.id}) as submissions,
               (select count(*)::int from judgments j join crowd_submissions s on s.id = j.crowd_submission_id where s.hit_id = ${hit.id}) as judgments`,
  );
  return row;
}

/** The most live (pending or final) label rows any item of the project has. */
async function mostLabelRowsPerItem(projectId: number) {
  const [row] = await rowsOf<{ n: number | null }>(
    t.ctx.store.db,
    sql`select max(n)::int as n from (select count(*) as n from judgments where project_id = ${projectId} and kind = 'label'
          and status in ('pending', 'final') group by item_id) per_item`,
  );
  return row.n ?? 0;
}

const purgeJob = () => t.built.jobs.find((j) => j.name === 'crowd-purge')!;

describe('the public submission route is bounded', () => {
  it('200 forged POSTs with a real HIT id from one address: at most the HIT cap stored, 429 once the address limit is spent', async () => {
    const { project, hit } = await publishedHit(3);
    const cap = submissionCapOfHit(hit.maxAssignments);
    expect(cap).toBeLessThan(SUBMISSIONS_PER_ADDRESS);
    const from = freshAddress();
    const statuses: number[] = [];
    for (let n = 0; n < 200; n++) statuses.push((await submit(from, forgedBody(hit, n))).status);
    const count = (s: number) => statuses.filter((x) => x === s).length;
    expect(count(201)).toBe(cap);
    expect(count(409)).toBe(SUBMISSIONS_PER_ADDRESS - cap);
    expect(count(429)).toBe(200 - SUBMISSIONS_PER_ADDRESS);
    expect(statuses.slice(SUBMISSIONS_PER_ADDRESS).every((s) => s === 429)).toBe(true);
    expect(await countsOf(hit)).toEqual({ submissions: cap, judgments: cap * hit.itemIds.length });
    expect(await mostLabelRowsPerItem(project.id)).toBeLessThanOrEqual(cap);
  });

  it('limits one HIT across many addresses', async () => {
    const { hit } = await publishedHit(3);
    const addresses = Array.from({ length: 10 }, freshAddress);
    const statuses: number[] = [];
    for (let n = 0; n < 200; n++) statuses.push((await submit(addresses[n % addresses.length], forgedBody(hit, n))).status);
    expect(statuses.filter((s) => s !== 429)).toHaveLength(SUBMISSIONS_PER_HIT);
    expect(statuses.slice(SUBMISSIONS_PER_HIT).every((s) => s === 429)).toBe(true);
    expect((await countsOf(hit)).submissions).toBe(submissionCapOfHit(hit.maxAssignments));
  });

  it('holds the bounds under concurrent submissions', async () => {
    const { hit } = await publishedHit(3);
    const from = freshAddress();
    const sameAssignment = Array.from({ length: 10 }, () => submit(from, forgedBody(hit, 0)));
    const distinct = Array.from({ length: 30 }, (_, n) => submit(from, forgedBody(hit, n + 1)));
    const results = await Promise.all([...sameAssignment, ...distinct]);
    expect(results.filter((r) => r.status >= 500)).toEqual([]);
    const tokens = new Set((await Promise.all(sameAssignment)).filter((r) => r.status < 300).map((r) => r.body.token));
    expect(tokens.size).toBeLessThanOrEqual(1);
    expect((await countsOf(hit)).submissions).toBe(submissionCapOfHit(hit.maxAssignments));
    const perAssignment = await rowsOf<{ n: number }>(
      t.ctx.store.db,
      sql`select count(*)::int as n from crowd_submissions where hit_id = ${hit.id} group by external_assignment_id`,
    );
    expect(perAssignment.every((r) => r.n === 1)).toBe(true);
  });

  it('keeps one live submission per assignment: a resubmit replaces the answers under the same token', async () => {
    const { project, hit } = await publishedHit(2);
    const from = freshAddress();
    const body = { hitId: hit.externalId, assignmentId: 'ASSIGNMENT1', workerId: 'W1', judgments: answersFor(hit, 1) };
    const first = await submit(from, body);
    expect(first.status).toBe(201);
    const again = await submit(from, { ...body, judgments: answersFor(hit, 4) });
    expect(again.status).toBe(200);
    expect(again.body.token).toBe(first.body.token);
    // An assignment id handed to the next worker after a return: still one submission, the latest answers.
    const reused = await submit(from, { ...body, workerId: 'W2', judgments: answersFor(hit, 2) });
    expect(reused.body.token).toBe(first.body.token);
    expect(await countsOf(hit)).toEqual({ submissions: 1, judgments: hit.itemIds.length });
    const values = await rowsOf<{ value: { score: number } }>(t.ctx.store.db, sql`select value from judgments where project_id = ${project.id}`);
    expect(values.map((v) => v.value.score)).toEqual(hit.itemIds.map(() => 2));
  });

  it('refuses new answers for an assignment whose work was already confirmed', async () => {
    const { project, hit } = await publishedHit(2);
    const from = freshAddress();
    const { assignmentId } = await workOnHit(from, hit, 'WCONFIRMED');
    await admin.post(`/api/projects/${project.id}/crowd/sync`).expect(200);
    const late = await submit(from, { hitId: hit.externalId, assignmentId, workerId: 'WCONFIRMED', judgments: answersFor(hit, 0) });
    expect(late.status).toBe(409);
    const values = await rowsOf<{ status: string; score: number }>(
      t.ctx.store.db,
      sql`select status, (value->>'score')::int as score from judgments where project_id = ${project.id}`,
    );
    expect(values).toEqual(hit.itemIds.map(() => ({ status: 'final', score: 5 })));
  });

  it('refuses work for a HIT none of whose assignments can still be submitted', async () => {
    const { hit } = await publishedHit(2);
    // As if the HIT expired two hours ago with ten-minute assignments.
    await t.ctx.store.db.execute(
      sql`update crowd_hits set expires_at = now() - interval '2 hours', assignment_duration_seconds = 600 where id = ${hit.id}`,
    );
    const res = await submit(freshAddress(), forgedBody(hit, 1));
    expect(res.status).toBe(409);
    expect(res.body.error!.message).toMatch(/no longer/);
    expect((await countsOf(hit)).submissions).toBe(0);
  });
});

describe('unconfirmed work counts nowhere', () => {
  it('stays out of the review view, aggregation, quality figures and exports with raw judgments', async () => {
    const { project, hit } = await publishedHit(2);
    const from = freshAddress();
    await workOnHit(from, hit, 'WREAL');
    await admin.post(`/api/projects/${project.id}/crowd/sync`).expect(200);
    for (let n = 0; n < 2; n++) expect((await submit(from, forgedBody(hit, n))).status).toBe(201);
    const pending = await rowsOf<{ n: number }>(
      t.ctx.store.db,
      sql`select count(*)::int as n from judgments where project_id = ${project.id} and status = 'pending'`,
    );
    expect(pending[0].n).toBe(2 * hit.itemIds.length);

    await admin.post(`/api/projects/${project.id}/aggregate`).expect(200);
    const aggregates = await rowsOf<{ n_judgments: number }>(
      t.ctx.store.db,
      sql`select n_judgments from aggregates where project_id = ${project.id}`,
    );
    expect(aggregates.map((a) => a.n_judgments)).toEqual(hit.itemIds.map(() => 1));
    const quality = await admin.get(`/api/projects/${project.id}/quality`).expect(200);
    expect((quality.body.annotators as { workerKey: string }[]).map((a) => a.workerKey)).toEqual(['mturk:WREAL']);

    const exported = await admin.get(`/api/projects/${project.id}/export?format=jsonl&includeJudgments=true`).expect(200);
    const rows = exported.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { judgments: unknown[] });
    expect(rows).toHaveLength(hit.itemIds.length);
    expect(rows.map((r) => r.judgments.length)).toEqual(hit.itemIds.map(() => 1));

    await t.ctx.store.db.execute(sql`update items set status = 'review' where id = any(${sql.param(hit.itemIds)}::bigint[])`);
    const review = await admin.get(`/api/projects/${project.id}/review`).expect(200);
    const reviewed = review.body.items as { itemId: number; judgments: unknown[] }[];
    expect(reviewed.map((i) => i.itemId).sort()).toEqual([...hit.itemIds].sort());
    expect(reviewed.map((i) => i.judgments.length)).toEqual(hit.itemIds.map(() => 1));
  });
});

describe('purging unconfirmed work', () => {
  it('removes unconfirmed submissions once their assignments are past submitting and a sync has listed the HIT; confirmed work stays and counts', async () => {
    const { project, hit } = await publishedHit(3);
    const from = freshAddress();
    const genuine = await workOnHit(from, hit, 'WGENUINE');
    await workOnHit(from, hit, 'WABANDONS', { submitToMturk: false });
    for (let n = 0; n < 2; n++) expect((await submit(from, forgedBody(hit, n))).status).toBe(201);
    expect(await countsOf(hit)).toEqual({ submissions: 4, judgments: 4 * hit.itemIds.length });

    await purgeJob().run();
    expect((await countsOf(hit)).submissions).toBe(4);

    // Two hours on: every assignment of ten minutes that sent us answers is past its deadline.
    await t.ctx.store.db.execute(sql`update crowd_submissions set created_at = created_at - interval '2 hours' where hit_id = ${hit.id}`);
    // No sync has listed the HIT since: the genuine work, submitted on MTurk, must survive until one does.
    await purgeJob().run();
    expect((await countsOf(hit)).submissions).toBe(4);

    const sync = await admin.post(`/api/projects/${project.id}/crowd/sync`).expect(200);
    expect(sync.body).toMatchObject({ assignmentsSeen: 1, confirmed: 1 });
    await purgeJob().run();
    const left = await rowsOf<{ token: string; confirmed: boolean }>(
      t.ctx.store.db,
      sql`select token, confirmed_at is not null as confirmed from crowd_submissions where hit_id = ${hit.id}`,
    );
    expect(left).toEqual([{ token: genuine.token, confirmed: true }]);
    const judgments = await rowsOf<{ worker_key: string; status: string }>(
      t.ctx.store.db,
      sql`select worker_key, status from judgments where project_id = ${project.id}`,
    );
    expect(judgments).toEqual(hit.itemIds.map(() => ({ worker_key: 'mturk:WGENUINE', status: 'final' })));

    await admin.post(`/api/projects/${project.id}/aggregate`).expect(200);
    const aggregates = await rowsOf<{ n_judgments: number }>(
      t.ctx.store.db,
      sql`select n_judgments from aggregates where project_id = ${project.id}`,
    );
    expect(aggregates.map((a) => a.n_judgments)).toEqual(hit.itemIds.map(() => 1));
  });
});

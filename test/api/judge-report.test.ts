import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { buildBatch, buildDocuments, buildTokenClient, joinProject, labelAll } from '../support/factories.ts';
import { addAnsweredJudge } from './judge-report-fixture.ts';
import { rowsOf } from '../../server/db/store.ts';

/**
 * The judges' calibration report through the API, on both stores: judge answers stored as the judge runs store them
 * (judge_answers, and judgments with worker key judge:<id> on the documents' items), humans on a batch of them.
 */
let t: TestApp;
let projectId: number;
let judgeId: number;
let otherJudgeId: number;
const N = 60;
const truth = (i: number) => i % 6;
const source = (i: number) => (i % 2 ? 'web' : 'forum');
/** Judge 1 scores a point high on web pages (up to the top of the scale) and exactly on forum pages. */
const judgeScore = (i: number) => (source(i) === 'web' ? Math.min(5, truth(i) + 1) : truth(i));
let humanDocs: number[] = [];
let reviewer: Awaited<ReturnType<typeof buildTokenClient>>;

const addJudge = (name: string, score: (i: number) => number) => addAnsweredJudge(t, projectId, name, score);

beforeAll(async () => {
  t = await startTestApp();
  projectId = (await t.buildProject({ openToAll: true })).id;
  await buildDocuments(
    t,
    projectId,
    Array.from({ length: N }, (_, k) => ({ id: `doc-${k + 1}`, text: `document number ${k + 1}`, source: source(k + 1) })),
  );
  await buildBatch(t, projectId, { size: 40, redundancy: 3, seed: 5 });
  for (let a = 0; a < 3; a++) await labelAll(await buildTokenClient(t), projectId, (i) => ({ score: truth(i) }));
  humanDocs = (
    await rowsOf<{ external_id: string }>(
      t.ctx.store.db,
      sql`select d.external_id from items i join documents d on d.id = i.document_id where i.project_id = ${projectId}`,
    )
  ).map((r) => Number(r.external_id.slice(4)));
  reviewer = await buildTokenClient(t, 'reviewer');
  await joinProject(t, projectId, reviewer.user, 'reviewer');
  judgeId = await addJudge('over-scorer', judgeScore);
  otherJudgeId = await addJudge('copycat', judgeScore);
});
afterAll(() => t.close());

describe('GET /api/projects/:id/judges/report', () => {
  it('reports each judge against the human consensus on the shared documents, with its confusion and offset', async () => {
    const { body } = await reviewer.get(`/api/projects/${projectId}/judges/report?judgeId=${judgeId}`).expect(200);
    expect(humanDocs).toHaveLength(40);
    expect(body.kind).toBe('ordinal');
    expect(body.classes).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(body.humanDocuments).toBe(40);
    expect(body.judges).toHaveLength(1);
    const [judge] = body.judges;
    expect(judge).toMatchObject({ judgeId, name: 'over-scorer', model: 'test-model', judged: N, shared: 40, humanJudgments: 120 });
    const expected = Array.from({ length: 6 }, () => new Array<number>(6).fill(0));
    for (const i of humanDocs) expected[truth(i)][judgeScore(i)]++;
    expect(judge.confusion).toEqual(expected);
    const offsets = humanDocs.map((i) => judgeScore(i) - truth(i));
    expect(judge.offset.mean).toBeCloseTo(offsets.reduce((a, b) => a + b, 0) / offsets.length, 2);
    expect(judge.offset.low).toBeLessThan(judge.offset.mean);
    expect(judge.spearman).toBeGreaterThan(0.9);
    expect(judge.weightedKappa).toBeGreaterThan(0.8);
    expect(judge.cohenKappa).toBeLessThan(judge.weightedKappa);
    expect(judge.positionBias).toBeNull();
    const forum = judge.bySource.find((s: { source: string }) => s.source === 'forum');
    const web = judge.bySource.find((s: { source: string }) => s.source === 'web');
    expect(forum).toMatchObject({ judged: 30, cohenKappa: 1 });
    // The consensus is the ordinal model's score, a little inside the scale's ends, not the raw vote.
    expect(Math.abs(forum.offset.mean)).toBeLessThan(0.1);
    expect(web.offset.mean).toBeGreaterThan(0.5);
    expect(forum.shared + web.shared).toBe(40);
  });

  it('never counts a judge as a human: a second judge agreeing with the first leaves the consensus to the humans', async () => {
    const admin = (await t.signIn(t.admin)).agent;
    const { body } = await admin.get(`/api/projects/${projectId}/judges/report`).expect(200);
    expect(body.judges.map((j: { judgeId: number }) => j.judgeId)).toEqual([judgeId, otherJudgeId]);
    expect(body.judges[1].confusion).toEqual(body.judges[0].confusion);
    expect(body.judges[0].humanJudgments).toBe(120);
  });

  it('evaluates a budget on the held-out human labels: none saves all and keeps the judges, full routing agrees fully', async () => {
    const none = (await reviewer.get(`/api/projects/${projectId}/judges/report?budgetPer1000=0&k=3`).expect(200)).body.budget;
    expect(none).toMatchObject({ documents: 40, allHumanJudgments: 120, budgetedJudgments: 0, workSaved: 1, routed: 0 });
    expect(none.agreement).toBe(none.judgesOnlyAgreement);
    const all = (await reviewer.get(`/api/projects/${projectId}/judges/report?budgetPer1000=3000&k=3`).expect(200)).body.budget;
    expect(all).toMatchObject({ budgetedJudgments: 120, workSaved: 0, agreement: 1, routed: 40 });
    const some = (await reviewer.get(`/api/projects/${projectId}/judges/report?budgetPer1000=600&k=3`).expect(200)).body.budget;
    expect(some).toMatchObject({ budgetedJudgments: 24, routed: 8 });
    expect(some.workSaved).toBeCloseTo(0.8);
    expect(some.agreement).toBeGreaterThanOrEqual(none.agreement);
  });

  it('refuses an annotator, an unknown judge and an unbounded budget', async () => {
    const annotator = await buildTokenClient(t, 'annotator');
    await annotator.get(`/api/projects/${projectId}/judges/report`).expect(403);
    const missing = await reviewer.get(`/api/projects/${projectId}/judges/report?judgeId=999999`).expect(404);
    expect(missing.body.error.message).toBe('Judge not found');
    await reviewer.get(`/api/projects/${projectId}/judges/report?budgetPer1000=1e9`).expect(400);
  });
});

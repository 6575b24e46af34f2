import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { buildBatch, buildDocuments, buildTokenClient, labelAll } from '../support/factories.ts';
import { addAnsweredJudge } from './judge-report-fixture.ts';
import { runCli } from '../support/run-cli.ts';

/**
 * The judges browser test's scenario through the API: 24 documents, one human each scoring doc-i as i % 6, a judge
 * one point high on 3 and 4 and exact elsewhere, its answer on doc-7 unparsed. With one human per document the
 * consensus is that human's score, so the judge agrees on the 15 documents scored 0, 1, 2 or 5 (doc-7, scored 1, is
 * not shared) out of 23.
 */
let t: TestApp;
let projectId: number;
const N = 24;
const human = (i: number) => i % 6;
const judge = (i: number) => (i === 7 ? null : human(i) === 3 || human(i) === 4 ? human(i) + 1 : human(i));

beforeAll(async () => {
  t = await startTestApp();
  projectId = (await t.buildProject({ name: 'Judged crawl' })).id;
  await buildDocuments(
    t,
    projectId,
    Array.from({ length: N }, (_, i) => ({ id: `doc-${i}`, text: `Document doc-${i}.`, source: i % 2 ? 'web' : 'books' })),
  );
  await buildBatch(t, projectId, { name: 'calibration', size: N, redundancy: 1 });
  await labelAll(await buildTokenClient(t), projectId, (i) => ({ score: human(i) }));
  await addAnsweredJudge(t, projectId, 'Emulated Llama', judge);
});
afterAll(() => t.close());

describe('judge report with one human per document', () => {
  it("takes the lone human's score as the consensus: accuracy 15/23, the confusion counts the answers as given", async () => {
    const admin = (await t.signIn(t.admin)).agent;
    const { body } = await admin.get(`/api/projects/${projectId}/judges/report`).expect(200);
    const [j] = body.judges;
    expect(j).toMatchObject({ judged: N - 1, shared: N - 1, humanJudgments: N - 1 });
    const expected = Array.from({ length: 6 }, () => new Array<number>(6).fill(0));
    for (let i = 0; i < N; i++) if (judge(i) !== null) expected[human(i)][judge(i)!]++;
    expect(j.confusion).toEqual(expected);
    expect(j.accuracy).toBeCloseTo(15 / 23, 6);
    expect(j.offset.mean).toBeCloseTo(8 / 23, 6);
    const books = j.bySource.find((s: { source: string }) => s.source === 'books');
    // Books are the even documents, four each scored 0, 2 and 4: the judge is exact on the 0s and 2s.
    expect(books.accuracy).toBeCloseTo(8 / 12, 6);
  });

  it('curate judges report prints the figures as a table, and its help', async () => {
    const help = await runCli(t, ['judges', 'report', '--help']);
    expect(help.stdout).toContain('judges report --project NAME');
    const res = await runCli(t, ['judges', 'report', '--project', 'Judged crawl', '--judge', 'Emulated Llama', '--budget', '3000']);
    expect(res.code).toBe(0);
    const lines = res.stdout.trim().split('\n');
    expect(lines[0].split('\t')).toContain('weighted_kappa');
    const all = lines[1].split('\t');
    expect(all.slice(0, 5)).toEqual(['Emulated Llama', 'all', '23', '23', (15 / 23).toFixed(3)]);
    expect(lines).toHaveLength(5); // header, all, books, web, budget
    expect(lines[4]).toMatch(/^budget 3000 per 1,000 documents, k 3, on 23 held-out documents: 69 of 69 human judgments \(work saved 0%\)/);
    const missing = await runCli(t, ['judges', 'report', '--project', 'Judged crawl', '--judge', 'nobody']);
    expect(missing.code).not.toBe(0);
  });
});

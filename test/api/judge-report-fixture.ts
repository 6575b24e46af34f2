import { sql } from 'drizzle-orm';
import type { TestApp } from '../support/test-app.ts';
import { judgeAnswers, judgeRuns, judges } from '../../server/db/schema.ts';
import { rowsOf } from '../../server/db/store.ts';
import { materializeJudgeJudgments } from '../../server/db/queries/judges.ts';

/**
 * Adds a judge that has answered every document of a project with `score(n)` (n from the `doc-<n>` id), stored as the
 * judge runs store answers: one judge_answers row per document and, on the documents' items, judgments with worker
 * key judge:<id>. A null score is an answer that could not be parsed: recorded, never a judgment.
 */
export async function addAnsweredJudge(t: TestApp, projectId: number, name: string, score: (i: number) => number | null) {
  const { db } = t.ctx.store;
  const [judge] = await db
    .insert(judges)
    .values({ projectId, name, baseUrl: 'http://127.0.0.1:9/v1', model: 'test-model', createdBy: t.admin.id })
    .returning();
  const docs = await rowsOf<{ id: number; external_id: string }>(db, sql`select id, external_id from documents where project_id = ${projectId}`);
  const [run] = await db
    .insert(judgeRuns)
    .values({ judgeId: judge.id, projectId, scope: 'corpus', status: 'done', total: docs.length, done: docs.length })
    .returning();
  await db.insert(judgeAnswers).values(
    docs.map((d) => {
      const s = score(Number(d.external_id.slice(4)));
      if (s === null)
        return {
          judgeId: judge.id,
          runId: run.id,
          projectId,
          documentId: Number(d.id),
          status: 'unparsed' as const,
          raw: 'I cannot rate this extract.',
          parseError: 'no score line',
        };
      return {
        judgeId: judge.id,
        runId: run.id,
        projectId,
        documentId: Number(d.id),
        status: 'parsed' as const,
        raw: `Educational score: ${s}`,
        value: { score: s },
      };
    }),
  );
  await materializeJudgeJudgments(db, projectId, { judgeId: Number(judge.id) });
  return Number(judge.id);
}

import { Router } from 'express';
import { z } from 'zod';
import { endpoint } from '../http/endpoint.ts';
import { projectParams } from './projects.schema.ts';
import { addJudgeBody, judgeParams, judgeRunParams, previewBody, runActionBody, startRunBody, updateJudgeBody } from './judges.schema.ts';
import { loadProject } from './load-project.ts';
import {
  addJudge,
  changeJudge,
  judgeRun,
  judgesOfProject,
  judgeWithRuns,
  previewJudgePrompt,
  startJudgeRun,
  steerJudgeRun,
} from '../commands/manage-judges.ts';
import type { AppContext } from '../context.ts';

/**
 * A project's LLM judges: their endpoints and prompts, previews, and runs over a batch or the corpus. Admin-only
 * as the project's settings are (`projects.manage`): a judge spends the project's money and sends its documents
 * to an outside endpoint.
 */
export function judgeRoutes(ctx: AppContext): Router {
  const router = Router();
  const { db } = ctx.store;
  router.get(
    '/projects/:projectId/judges',
    endpoint(
      'projects.manage',
      { params: projectParams, query: z.object({ archived: z.enum(['include']).optional() }) },
      async ({ params, query, req }) =>
        judgesOfProject(ctx, { project: await loadProject(db, params.projectId, req), withArchived: query.archived === 'include' }),
    ),
  );
  router.post(
    '/projects/:projectId/judges',
    endpoint('projects.manage', { params: projectParams, body: addJudgeBody }, async ({ params, body, user, req, res }) => {
      const judge = await addJudge(ctx, { project: await loadProject(db, params.projectId, req), actorId: user.id, settings: body });
      res.status(201);
      return { judge };
    }),
  );
  router.post(
    '/projects/:projectId/judges/preview',
    endpoint('projects.manage', { params: projectParams, body: previewBody }, async ({ params, body, req }) =>
      previewJudgePrompt(ctx, { project: await loadProject(db, params.projectId, req), ...body }),
    ),
  );
  router.get(
    '/projects/:projectId/judges/:judgeId',
    endpoint('projects.manage', { params: judgeParams }, async ({ params, req }) =>
      judgeWithRuns(ctx, { project: await loadProject(db, params.projectId, req), judgeId: params.judgeId }),
    ),
  );
  router.patch(
    '/projects/:projectId/judges/:judgeId',
    endpoint('projects.manage', { params: judgeParams, body: updateJudgeBody }, async ({ params, body, user, req }) => ({
      judge: await changeJudge(ctx, {
        project: await loadProject(db, params.projectId, req),
        judgeId: params.judgeId,
        actorId: user.id,
        changes: body,
      }),
    })),
  );
  router.post(
    '/projects/:projectId/judges/:judgeId/preview',
    endpoint('projects.manage', { params: judgeParams, body: previewBody }, async ({ params, body, req }) =>
      previewJudgePrompt(ctx, { project: await loadProject(db, params.projectId, req), judgeId: params.judgeId, ...body }),
    ),
  );
  router.post(
    '/projects/:projectId/judges/:judgeId/runs',
    endpoint('projects.manage', { params: judgeParams, body: startRunBody }, async ({ params, body, user, req, res }) => {
      const run = await startJudgeRun(ctx, {
        project: await loadProject(db, params.projectId, req),
        judgeId: params.judgeId,
        batchId: body.batchId,
        actorId: user.id,
      });
      res.status(202);
      return { run };
    }),
  );
  router.get(
    '/projects/:projectId/judges/:judgeId/runs/:runId',
    endpoint('projects.manage', { params: judgeRunParams }, async ({ params, req }) => ({
      run: await judgeRun(ctx, { project: await loadProject(db, params.projectId, req), judgeId: params.judgeId, runId: params.runId }),
    })),
  );
  router.post(
    '/projects/:projectId/judges/:judgeId/runs/:runId',
    endpoint('projects.manage', { params: judgeRunParams, body: runActionBody }, async ({ params, body, user, req }) => ({
      run: await steerJudgeRun(ctx, {
        project: await loadProject(db, params.projectId, req),
        judgeId: params.judgeId,
        runId: params.runId,
        action: body.action,
        actorId: user.id,
      }),
    })),
  );
  return router;
}

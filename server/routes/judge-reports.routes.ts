import { Router } from 'express';
import { endpoint } from '../http/endpoint.ts';
import { projectParams } from './projects.schema.ts';
import { judgeReportQuery } from './judge-reports.schema.ts';
import { loadProject } from './load-project.ts';
import { judgeReport } from '../commands/judge-report.ts';
import { presentJudgeReport } from '../presenters/judge-reports.ts';
import type { AppContext } from '../context.ts';

/** The LLM judges' calibration against the humans, and what a routing budget saves and costs. */
export function judgeReportRoutes(ctx: AppContext): Router {
  const { db } = ctx.store;
  const router = Router();
  router.get(
    '/projects/:projectId/judges/report',
    endpoint('quality.read', { params: projectParams, query: judgeReportQuery }, async ({ params, query, req }) => {
      const project = await loadProject(db, params.projectId, req);
      const result = await judgeReport(db, {
        project,
        judgeId: query.judgeId,
        budget: { budgetPer1000: query.budgetPer1000, judgmentsPerItem: query.k },
      });
      return presentJudgeReport(result);
    }),
  );
  return router;
}

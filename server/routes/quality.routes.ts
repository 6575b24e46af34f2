import { Router } from 'express';
import { endpoint } from '../http/endpoint.ts';
import { projectParams } from './projects.schema.ts';
import { loadProject } from './load-project.ts';
import { aggregateProjectNow } from '../commands/aggregate-project.ts';
import { listAnnotatorStats } from '../db/queries/aggregation.ts';
import { annotatorNames, confidenceHistogram, itemStatusCounts, resultHistogram } from '../db/queries/quality.ts';
import { listBatches } from '../db/queries/batches.ts';
import { conflict } from '../errors.ts';
import { presentAggregationRun, presentQualityReport } from '../presenters/quality.ts';
import type { AppContext } from '../context.ts';

/** The quality page: results, agreement and annotator reliability; and on-demand re-aggregation. */
export function qualityRoutes(ctx: AppContext): Router {
  const { db } = ctx.store;
  const router = Router();
  router.post(
    '/projects/:projectId/aggregate',
    endpoint('quality.read', { params: projectParams }, async ({ params }) => {
      await loadProject(db, params.projectId);
      const result = await aggregateProjectNow(ctx, params.projectId);
      if (!result) throw conflict('An aggregation of this project has been running for a while; try again in a moment');
      return result.skipped
        ? presentAggregationRun(null, { documentsNotShown: 0, judgmentsNotFitting: 0, goldAnswersNotFitting: 0 })
        : presentAggregationRun(result.output, result);
    }),
  );
  router.get(
    '/projects/:projectId/quality',
    endpoint('quality.read', { params: projectParams }, async ({ params }) => {
      const project = await loadProject(db, params.projectId);
      const [histogram, confidence, stats, statuses, batches] = await Promise.all([
        resultHistogram(db, project.id),
        confidenceHistogram(db, project.id),
        listAnnotatorStats(db, project.id),
        itemStatusCounts(db, project.id),
        listBatches(db, project.id),
      ]);
      const names = await annotatorNames(
        db,
        stats.map((s) => s.workerKey),
      );
      return presentQualityReport(project, {
        histogram,
        confidence,
        items: statuses,
        annotators: stats.map((s) => ({ workerKey: s.workerKey, name: names.get(s.workerKey) ?? s.workerKey, stats: s.stats })),
        batches,
      });
    }),
  );
  return router;
}

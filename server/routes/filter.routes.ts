import { Router } from 'express';
import { z } from 'zod';
import { endpoint } from '../http/endpoint.ts';
import { projectParams } from './projects.schema.ts';
import { loadProject } from './load-project.ts';
import { filterReport, writeFilterIds } from '../commands/filter-decisions.ts';
import type { AppContext } from '../context.ts';

const reportQuery = z.object({
  threshold: z.coerce.number(),
  /** Target model size in parameters, for the token budget (default 1B). */
  parameters: z.coerce.number().positive().default(1e9),
  /** Candidate thresholds for the curve, comma-separated; default every half point from 0 to 5. */
  thresholds: z
    .string()
    .transform((s) => s.split(',').map(Number))
    .pipe(z.array(z.number().finite()).min(1).max(200))
    .default(Array.from({ length: 11 }, (_, i) => i / 2)),
});

const idsQuery = z.object({ threshold: z.coerce.number(), decision: z.enum(['keep', 'drop']).default('keep') });

/** Keep/drop decisions that feed corpus filtering: a report for a threshold, and the id lists themselves. */
export function filterRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get(
    '/projects/:projectId/filter',
    endpoint('export', { params: projectParams, query: reportQuery }, async ({ params, query }) => {
      const project = await loadProject(ctx.store.db, params.projectId);
      return filterReport(ctx, { project, ...query });
    }),
  );
  router.get(
    '/projects/:projectId/filter/ids',
    endpoint('export', { params: projectParams, query: idsQuery }, async ({ params, query, res }) => {
      const project = await loadProject(ctx.store.db, params.projectId);
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="${query.decision}-ids-${query.threshold}.txt"`);
      await writeFilterIds(ctx, { project, ...query, out: res });
      res.end();
      return undefined;
    }),
  );
  return router;
}

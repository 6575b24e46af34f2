import { Router } from 'express';
import { endpoint } from '../http/endpoint.ts';
import { projectParams } from './projects.schema.ts';
import { loadProject } from './load-project.ts';
import { aggregateProject } from '../commands/aggregate-project.ts';
import { listAnnotatorStats } from '../db/queries/aggregation.ts';
import { annotatorNames, confidenceHistogram, itemStatusCounts, resultHistogram } from '../db/queries/quality.ts';
import { conflict } from '../errors.ts';
import type { AppContext } from '../context.ts';

/** What agreement figures mean, shown beside them. */
const AGREEMENT_NOTES = {
  percentAgreement: 'Share of annotator pairs on an item that gave the same answer; ignores agreement by chance.',
  fleissKappa: 'Agreement beyond chance among many annotators (1 perfect, 0 chance level, <0 worse than chance).',
  meanCohenKappa: 'Chance-corrected agreement of each pair of annotators, averaged over pairs with shared items.',
  alphaNominal: "Krippendorff's alpha treating answers as categories; handles missing judgments. >= 0.8 reliable, >= 0.667 tentative.",
  alphaOrdinal: "Krippendorff's alpha respecting the order of the scale (a 4 vs 5 disagreement counts less than 0 vs 5).",
  alphaInterval: "Krippendorff's alpha treating the scale as numbers (squared differences).",
};

/** The quality page: results, agreement and annotator reliability; and on-demand re-aggregation. */
export function qualityRoutes(ctx: AppContext): Router {
  const { db } = ctx.store;
  const router = Router();
  router.post(
    '/projects/:projectId/aggregate',
    endpoint('quality.read', { params: projectParams }, async ({ params }) => {
      await loadProject(db, params.projectId);
      const result = await aggregateProject(ctx, { projectId: params.projectId });
      if (!result) throw conflict('An aggregation of this project is running; try again in a moment');
      const output = result.skipped ? null : result.output;
      return { items: output?.items.length ?? 0, agreement: output?.agreement ?? null, positionBias: output?.positionBias ?? null };
    }),
  );
  router.get(
    '/projects/:projectId/quality',
    endpoint('quality.read', { params: projectParams }, async ({ params }) => {
      const project = await loadProject(db, params.projectId);
      const [histogram, confidence, stats, statuses] = await Promise.all([
        resultHistogram(db, project.id),
        confidenceHistogram(db, project.id),
        listAnnotatorStats(db, project.id),
        itemStatusCounts(db, project.id),
      ]);
      const names = await annotatorNames(db, stats.map((s) => s.workerKey));
      return {
        quality: project.quality,
        agreementNotes: AGREEMENT_NOTES,
        aggregatedAt: project.aggregatedAt,
        items: statuses,
        histogram,
        confidence,
        annotators: stats.map((s) => ({ workerKey: s.workerKey, name: names.get(s.workerKey) ?? s.workerKey, ...(s.stats as object) })),
      };
    }),
  );
  return router;
}

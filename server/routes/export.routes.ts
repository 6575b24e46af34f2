import { Router } from 'express';
import { z } from 'zod';
import { endpoint } from '../http/endpoint.ts';
import { projectParams } from './projects.schema.ts';
import { exportOptionsSchema } from '../export/export-options.ts';
import { exportSet } from '../commands/export-set.ts';
import { estimateExportRows } from '../db/queries/export.ts';
import { loadProject } from './load-project.ts';
import type { AppContext } from '../context.ts';

const contentTypes = {
  jsonl: 'application/x-ndjson',
  csv: 'text/csv; charset=utf-8',
  parquet: 'application/vnd.apache.parquet',
  hf: 'application/x-tar',
};
const extensions = { jsonl: 'jsonl', csv: 'csv', parquet: 'parquet', hf: 'tar' };
const exportQuery = z.object({ exportId: z.string().max(100).optional() });

/**
 * Labeled-set downloads. The body streams as it is produced; `export:progress` events (keyed by the caller's
 * exportId) let the admin UI show progress while the browser downloads.
 */
export function exportRoutes(ctx: AppContext): Router {
  const router = Router();
  // Checked before a download starts: a download is a navigation, and a refusal would replace the page.
  router.get(
    '/projects/:projectId/export/count',
    endpoint('export', { params: projectParams }, async ({ params, req }) => {
      const project = await loadProject(ctx.store.db, params.projectId);
      // `estimated: true` when the set is past the exact bound and `rows` is the planner's estimate.
      return await estimateExportRows(ctx.store.db, project.id, exportOptionsSchema.parse(req.query));
    }),
  );
  router.get(
    '/projects/:projectId/export',
    endpoint('export', { params: projectParams }, async ({ params, req, res }) => {
      const project = await loadProject(ctx.store.db, params.projectId);
      const options = exportOptionsSchema.parse(req.query);
      const { exportId } = exportQuery.parse({ exportId: req.query.exportId });
      const filename = `${project.name.replace(/[^\w.-]+/g, '_')}.${extensions[options.format]}`;
      res.setHeader('Content-Type', contentTypes[options.format]);
      res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
      await exportSet(ctx, {
        project,
        options,
        out: res,
        exportId,
      });
      res.end();
      return undefined;
    }),
  );
  return router;
}

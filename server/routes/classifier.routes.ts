import { Router } from 'express';
import { endpoint } from '../http/endpoint.ts';
import { projectParams } from './projects.schema.ts';
import { attributesQuery, corpusFilterQuery, runParams, trainBody } from './classifier.schema.ts';
import { loadProject } from './load-project.ts';
import { startClassifierScoring, startClassifierTraining } from '../commands/train-classifier.ts';
import { startClassifierRound } from '../commands/classifier-round.ts';
import { classifierRoundBody } from './classifier-round.schema.ts';
import {
  classifierCorpusFilter,
  scoredRun,
  writeClassifierTrainingFile,
  writeScoreAttributes,
  writeScoresParquet,
} from '../commands/export-classifier.ts';
import { classifierModelBytes, findClassifierRun, listClassifierRuns, scoringRun } from '../db/queries/classifier.ts';
import { presentClassifierRun, presentClassifierRuns } from '../presenters/classifier.ts';
import { notFound } from '../errors.ts';
import type { AppContext } from '../context.ts';

const fileName = (name: string) => name.replace(/[^\w.-]+/g, '_');

/**
 * The project's quality classifier: training runs (history, train, score the corpus), the corpus-wide threshold,
 * and the exports pipelines run at scale (model .bin, training file, scores as Parquet and Dolma attributes).
 * Admin-only, as exports are.
 */
export function classifierRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get(
    '/projects/:projectId/classifier/runs',
    endpoint('export', { params: projectParams }, async ({ params }) => {
      const project = await loadProject(ctx.store.db, params.projectId);
      const [runs, scoring] = await Promise.all([listClassifierRuns(ctx.store.db, project.id), scoringRun(ctx.store.db, project.id)]);
      return presentClassifierRuns(runs, scoring?.id ?? null);
    }),
  );
  router.post(
    '/projects/:projectId/classifier/runs',
    endpoint('export', { params: projectParams, body: trainBody }, async ({ params, body, user, res }) => {
      const project = await loadProject(ctx.store.db, params.projectId);
      const run = await startClassifierTraining(ctx, { project, actorId: user.id, training: body });
      res.status(202);
      return { run: presentClassifierRun(run) };
    }),
  );
  router.post(
    '/projects/:projectId/classifier/rounds',
    endpoint('export', { params: projectParams, body: classifierRoundBody }, async ({ params, body, user, res }) => {
      const project = await loadProject(ctx.store.db, params.projectId);
      const run = await startClassifierRound(ctx, { project, actorId: user.id, round: body });
      res.status(202);
      return { run: presentClassifierRun(run) };
    }),
  );
  router.get(
    '/projects/:projectId/classifier/runs/:runId',
    endpoint('export', { params: runParams }, async ({ params }) => {
      const run = await findClassifierRun(ctx.store.db, params.projectId, params.runId);
      if (!run) throw notFound('Classifier run');
      return { run: presentClassifierRun(run) };
    }),
  );
  router.post(
    '/projects/:projectId/classifier/runs/:runId/score',
    endpoint('export', { params: runParams }, async ({ params, user, res }) => {
      const project = await loadProject(ctx.store.db, params.projectId);
      const run = await startClassifierScoring(ctx, { project, actorId: user.id, runId: params.runId });
      res.status(202);
      return { run: presentClassifierRun(run) };
    }),
  );
  router.get(
    '/projects/:projectId/classifier/runs/:runId/model.bin',
    endpoint('export', { params: runParams }, async ({ params, res }) => {
      const project = await loadProject(ctx.store.db, params.projectId);
      const bytes = await classifierModelBytes(ctx.store.db, project.id, params.runId);
      if (!bytes) throw notFound('Classifier model');
      res.setHeader('Content-Type', 'application/octet-stream');
      res.setHeader('Content-Disposition', `attachment; filename="${fileName(project.name)}-classifier-${params.runId}.bin"`);
      res.end(bytes);
      return undefined;
    }),
  );
  router.get(
    '/projects/:projectId/classifier/training-file',
    endpoint('export', { params: projectParams }, async ({ params, res }) => {
      const project = await loadProject(ctx.store.db, params.projectId);
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="${fileName(project.name)}.train.txt"`);
      await writeClassifierTrainingFile(ctx, { project, out: res });
      res.end();
      return undefined;
    }),
  );
  router.get(
    '/projects/:projectId/classifier/scores.parquet',
    endpoint('export', { params: projectParams }, async ({ params, res }) => {
      const project = await loadProject(ctx.store.db, params.projectId);
      // Refused before the download headers, so a refusal reads as an error rather than as a file.
      await scoredRun(ctx, project);
      res.setHeader('Content-Type', 'application/vnd.apache.parquet');
      res.setHeader('Content-Disposition', `attachment; filename="${fileName(project.name)}-scores.parquet"`);
      await writeScoresParquet(ctx, { project, out: res });
      res.end();
      return undefined;
    }),
  );
  router.get(
    '/projects/:projectId/classifier/attributes',
    endpoint('export', { params: projectParams, query: attributesQuery }, async ({ params, query, res }) => {
      const project = await loadProject(ctx.store.db, params.projectId);
      await scoredRun(ctx, project);
      res.setHeader('Content-Type', 'application/gzip');
      // Dolma reads attributes/<name>/ beside documents/; the file goes there under the documents' own file name.
      res.setHeader('Content-Disposition', `attachment; filename="${fileName(project.name)}.jsonl.gz"`);
      await writeScoreAttributes(ctx, { project, name: query.name, out: res });
      return undefined;
    }),
  );
  router.get(
    '/projects/:projectId/classifier/filter',
    endpoint('export', { params: projectParams, query: corpusFilterQuery }, async ({ params, query }) => {
      const project = await loadProject(ctx.store.db, params.projectId);
      return classifierCorpusFilter(ctx, { project, ...query });
    }),
  );
  return router;
}

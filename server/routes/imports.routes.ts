import express, { Router, type Request } from 'express';
import { endpoint } from '../http/endpoint.ts';
import { projectParams } from './projects.schema.ts';
import { importOptionsSchema } from '../import/import-options.ts';
import { importCorpus } from '../commands/import-corpus.ts';
import { previewImport } from '../commands/preview-import.ts';
import { PREVIEW_MAX_BYTES, previewImportQuery } from './imports.schema.ts';
import { listImports } from '../db/queries/imports.ts';
import { presentImport } from '../presenters/projects.ts';
import type { AppContext } from '../context.ts';

const corpusUpload = /^\/projects\/[^/]+\/imports(?:\/preview)?\/?$/;

/**
 * Whether a request to the API router is a corpus upload (or the head of one to preview), whose body is read as bytes: the JSON body
 * parser must leave it alone even when it is sent as application/json (a JSONL file often is).
 */
export function isCorpusUpload(req: Request): boolean {
  return req.method === 'POST' && corpusUpload.test(req.path);
}

/**
 * Corpus import: the request body is the file itself (any content type), streamed into the import so a large file
 * never sits in memory. Options ride in the query string. Answers 200 with the summary, or 422 with the same
 * summary when the import was refused (nothing written).
 */
export function importRoutes(ctx: AppContext): Router {
  const { db } = ctx.store;
  const router = Router();
  router.post(
    '/projects/:projectId/imports',
    endpoint('imports.create', { params: projectParams, query: importOptionsSchema }, async ({ params, query, user, req, res }) => {
      const summary = await importCorpus(ctx, {
        projectId: params.projectId,
        userId: user.id,
        options: query,
        input: req,
        maxDocumentBytes: ctx.config.MAX_DOCUMENT_BYTES,
      });
      if (summary.status === 'succeeded') return { import: summary };
      res.status(422);
      return { error: { id: 'import_failed', message: summary.message }, import: summary };
    }),
  );
  // The head of a file, read whole (bounded), answered with its first records as the import would take them.
  router.post(
    '/projects/:projectId/imports/preview',
    express.raw({ type: () => true, limit: PREVIEW_MAX_BYTES }),
    endpoint('imports.create', { params: projectParams, query: previewImportQuery }, async ({ params, query, req }) => {
      const { partial, limit, ...options } = query;
      const head = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      return {
        preview: await previewImport(db, {
          projectId: params.projectId,
          options,
          head,
          partial,
          limit,
          maxDocumentBytes: ctx.config.MAX_DOCUMENT_BYTES,
        }),
      };
    }),
  );
  router.get(
    '/projects/:projectId/imports',
    endpoint('imports.create', { params: projectParams }, async ({ params }) => ({
      imports: (await listImports(db, params.projectId)).map(presentImport),
    })),
  );
  return router;
}

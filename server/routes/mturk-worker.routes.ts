import { Router } from 'express';
import { z } from 'zod';
import { endpoint } from '../http/endpoint.ts';
import { crowdHitTasks, recordCrowdSubmission } from '../commands/crowd-worker-submission.ts';
import type { AppContext } from '../context.ts';

const hitQuery = z.object({ hitId: z.string().min(1).max(100), assignmentId: z.string().min(1).max(100) });
/** What the worker's browser sends: its answers to every item of the HIT. */
export const submissionBody = z.object({
  hitId: z.string().min(1).max(100),
  assignmentId: z.string().min(1).max(100),
  workerId: z.string().min(1).max(100),
  judgments: z.array(z.object({ itemId: z.number().int().positive(), value: z.unknown(), timeSpentMs: z.number().int().min(0).default(0) })).min(1).max(100),
});

/**
 * The crowd worker's side (no account: the worker arrives from the channel's frame). Public by design; nothing
 * submitted here counts until the channel's API confirms the assignment during sync.
 */
export function mturkWorkerRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/mturk/hit', endpoint('public', { query: hitQuery }, ({ query }) => crowdHitTasks(ctx, { hitExternalId: query.hitId, assignmentId: query.assignmentId })));
  router.post(
    '/mturk/submissions',
    endpoint('public', { body: submissionBody }, async ({ body, res }) => {
      res.status(201);
      return recordCrowdSubmission(ctx, { hitExternalId: body.hitId, assignmentId: body.assignmentId, workerId: body.workerId, judgments: body.judgments });
    }),
  );
  return router;
}

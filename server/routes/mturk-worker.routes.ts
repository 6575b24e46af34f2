import { Router, type Request } from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import { endpoint } from '../http/endpoint.ts';
import { crowdHitTasks, recordCrowdSubmission } from '../commands/crowd-worker-submission.ts';
import type { AppContext } from '../context.ts';
import { tooManyRequests } from '../errors.ts';

const hitQuery = z.object({ hitId: z.string().min(1).max(100), assignmentId: z.string().min(1).max(100) });
/** What the worker's browser sends: its answers to every item of the HIT. */
export const submissionBody = z.object({
  hitId: z.string().min(1).max(100),
  assignmentId: z.string().min(1).max(100),
  workerId: z.string().min(1).max(100),
  judgments: z
    .array(z.object({ itemId: z.number().int().positive(), value: z.unknown(), timeSpentMs: z.number().int().min(0).default(0) }))
    .min(1)
    .max(100),
});

const SUBMISSION_WINDOW_MS = 10 * 60_000;
/** Submissions one client address may send per window: a fast worker finishes a HIT every few seconds at best. */
export const SUBMISSIONS_PER_ADDRESS = 60;
/** Submissions one HIT may receive per window, from anywhere: a HIT has at most 50 assignments, each sent once or twice. */
export const SUBMISSIONS_PER_HIT = 120;

/**
 * Counters live in this process's memory: these limits only shed load. What a forger can store is bounded in the
 * database whatever process serves them (one submission per assignment, a cap per HIT, nothing after the HIT's
 * deadline), and counting every anonymous request in the database would add writes to the very flood it sheds.
 */
export function submissionLimit(limit: number, keyOf?: (req: Request) => string) {
  return rateLimit({
    windowMs: SUBMISSION_WINDOW_MS,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    ...(keyOf ? { keyGenerator: keyOf } : {}),
    handler: (_req, _res, next) => next(tooManyRequests('Too many submissions; please wait a few minutes and try again')),
  });
}

/** The HIT a submission names, read before validation (the body is validated by the endpoint after the limits). */
const hitOfBody = (req: Request) => `hit:${String((req.body as { hitId?: unknown } | undefined)?.hitId ?? '').slice(0, 100)}`;

/**
 * The crowd worker's side (no account: the worker arrives from the channel's frame). Public by design; nothing
 * submitted here counts until the channel's API confirms the assignment during sync.
 */
export function mturkWorkerRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get(
    '/mturk/hit',
    endpoint('public', { query: hitQuery }, ({ query }) => crowdHitTasks(ctx, { hitExternalId: query.hitId, assignmentId: query.assignmentId })),
  );
  router.post(
    '/mturk/submissions',
    submissionLimit(SUBMISSIONS_PER_ADDRESS),
    submissionLimit(SUBMISSIONS_PER_HIT, hitOfBody),
    endpoint('public', { body: submissionBody }, async ({ body, res }) => {
      const { token, created } = await recordCrowdSubmission(ctx, {
        hitExternalId: body.hitId,
        assignmentId: body.assignmentId,
        workerId: body.workerId,
        judgments: body.judgments,
      });
      res.status(created ? 201 : 200);
      return { token };
    }),
  );
  return router;
}

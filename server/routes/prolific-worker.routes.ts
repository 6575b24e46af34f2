import { Router, type Request } from 'express';
import { z } from 'zod';
import { endpoint } from '../http/endpoint.ts';
import { crowdHitTasks, recordCrowdSubmission } from '../commands/crowd-worker-submission.ts';
import { findHitByExternalId } from '../db/queries/crowd.ts';
import { completionCodesOf } from '../crowd/prolific/prolific-channel.ts';
import type { AppContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { submissionBody, submissionLimit, SUBMISSIONS_PER_ADDRESS, SUBMISSIONS_PER_HIT } from './mturk-worker.routes.ts';

/** The three parameters Prolific fills into the study URL. */
const arrival = { PROLIFIC_PID: z.string().min(1).max(100), STUDY_ID: z.string().min(1).max(100), SESSION_ID: z.string().min(1).max(100) };
const studyQuery = z.object(arrival);
/** What the participant's browser sends: the arrival parameters and an answer to every item of the study. */
export const prolificSubmissionBody = z.object({ ...arrival, judgments: submissionBody.shape.judgments });

const studyOfBody = (req: Request) => `study:${String((req.body as { STUDY_ID?: unknown } | undefined)?.STUDY_ID ?? '').slice(0, 100)}`;

/**
 * The Prolific participant's side: no account, the participant arrives from Prolific with PROLIFIC_PID, STUDY_ID and
 * SESSION_ID. Nothing stored here counts until sync finds, through Prolific's API, that session's submission by that
 * participant in that study; the answer is where to send the participant to complete on Prolific.
 */
export function prolificWorkerRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/prolific/study', endpoint('public', { query: studyQuery }, ({ query }) => crowdHitTasks(ctx, { hitExternalId: query.STUDY_ID, assignmentId: query.SESSION_ID })));
  router.post(
    '/prolific/submissions',
    submissionLimit(SUBMISSIONS_PER_ADDRESS),
    submissionLimit(SUBMISSIONS_PER_HIT, studyOfBody),
    endpoint('public', { body: prolificSubmissionBody }, async ({ body, res }) => {
      const hit = await findHitByExternalId(ctx.store.db, body.STUDY_ID);
      if (!hit || hit.channel !== 'prolific') throw notFound('Study');
      const { created } = await recordCrowdSubmission(ctx, { hitExternalId: body.STUDY_ID, assignmentId: body.SESSION_ID, workerId: body.PROLIFIC_PID, judgments: body.judgments });
      res.status(created ? 201 : 200);
      // The token stays with us: Prolific carries no answer back, and sync matches the session and participant instead.
      return { completeUrl: `${ctx.config.PROLIFIC_COMPLETE_URL}?cc=${completionCodesOf(hit.uniqueRequestToken).completed}` };
    }),
  );
  return router;
}

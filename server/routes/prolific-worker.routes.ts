import express, { Router, type Request } from 'express';
import { z } from 'zod';
import { endpoint } from '../http/endpoint.ts';
import { crowdHitTasks, recordCrowdSubmission } from '../commands/crowd-worker-submission.ts';
import { findHitByExternalId, findHit, submissionsByExternalAssignment } from '../db/queries/crowd.ts';
import { verifyProlificHook } from '../crowd/prolific/hook-signature.ts';
import { crowdChannelOf } from '../crowd/channel-of.ts';
import { syncCrowdProject } from '../commands/sync-crowd.ts';
import { prolificHookSecrets } from '../commands/prolific-hooks.ts';
import { completionCodesOf } from '../crowd/prolific/prolific-channel.ts';
import type { AppContext } from '../context.ts';
import { AppError, notFound } from '../errors.ts';
import { submissionBody, submissionLimit, SUBMISSIONS_PER_ADDRESS, SUBMISSIONS_PER_HIT } from './mturk-worker.routes.ts';

/** The three parameters Prolific fills into the study URL. */
const arrival = { PROLIFIC_PID: z.string().min(1).max(100), STUDY_ID: z.string().min(1).max(100), SESSION_ID: z.string().min(1).max(100) };
const studyQuery = z.object(arrival);
/** What the participant's browser sends: the arrival parameters and an answer to every item of the study. */
export const prolificSubmissionBody = z.object({ ...arrival, judgments: submissionBody.shape.judgments });

const HOOK_PATH = '/prolific/hooks';

/** Whether a request is a Prolific hook delivery, whose raw body its signature covers: the JSON parser must leave it alone. */
export function isProlificHook(req: Request): boolean {
  return req.method === 'POST' && req.path === HOOK_PATH;
}

/** What a submission.status.change delivery says (other events carry other fields and only start a sync too). */
const hookPayload = z.object({ resource_id: z.string().min(1).max(100), event_type: z.string() }).passthrough();

const studyOfBody = (req: Request) => `study:${String((req.body as { STUDY_ID?: unknown } | undefined)?.STUDY_ID ?? '').slice(0, 100)}`;

/**
 * The Prolific participant's side: no account, the participant arrives from Prolific with PROLIFIC_PID, STUDY_ID and
 * SESSION_ID. Nothing stored here counts until sync finds, through Prolific's API, that session's submission by that
 * participant in that study; the answer is where to send the participant to complete on Prolific.
 */
export function prolificWorkerRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get(
    '/prolific/study',
    endpoint('public', { query: studyQuery }, ({ query }) => crowdHitTasks(ctx, { hitExternalId: query.STUDY_ID, assignmentId: query.SESSION_ID })),
  );
  router.post(
    '/prolific/submissions',
    submissionLimit(SUBMISSIONS_PER_ADDRESS),
    submissionLimit(SUBMISSIONS_PER_HIT, studyOfBody),
    endpoint('public', { body: prolificSubmissionBody }, async ({ body, res }) => {
      const hit = await findHitByExternalId(ctx.store.db, body.STUDY_ID);
      if (!hit || hit.channel !== 'prolific') throw notFound('Study');
      const { created } = await recordCrowdSubmission(ctx, {
        hitExternalId: body.STUDY_ID,
        assignmentId: body.SESSION_ID,
        workerId: body.PROLIFIC_PID,
        judgments: body.judgments,
      });
      res.status(created ? 201 : 200);
      // The token stays with us: Prolific carries no answer back, and sync matches the session and participant instead.
      return { completeUrl: `${ctx.config.PROLIFIC_COMPLETE_URL}?cc=${completionCodesOf(hit.uniqueRequestToken).completed}` };
    }),
  );
  router.post(
    HOOK_PATH,
    express.text({ type: '*/*', limit: '100kb' }),
    endpoint('public', {}, async ({ req, body }) => {
      const secrets = await prolificHookSecrets(ctx);
      const raw = typeof body === 'string' ? body : '';
      const [timestamp, signature] = [req.get('X-Prolific-Request-Timestamp') ?? '', req.get('X-Prolific-Request-Signature') ?? ''];
      if (!secrets.some((secret) => verifyProlificHook(secret, timestamp, raw, signature))) {
        console.warn(`Prolific hook refused: ${secrets.length ? 'bad signature' : 'no hook secret is stored or set'} (from ${req.ip})`);
        throw new AppError(401, 'bad_signature', 'The X-Prolific-Request-Signature of this delivery does not verify');
      }
      const payload = hookPayload.safeParse(JSON.parse(raw || '{}'));
      if (!payload.success) return { received: true, synced: false };
      // The delivery only says when to look: sync reads the submission from Prolific's API, as it always does.
      const [submission] = await submissionsByExternalAssignment(ctx.store.db, payload.data.resource_id);
      const hit = submission && (await findHit(ctx.store.db, Number(submission.hitId)));
      if (!hit) return { received: true, synced: false };
      void syncCrowdProject(ctx, crowdChannelOf(ctx), { projectId: hit.projectId }).catch((error: unknown) =>
        console.warn(`Prolific hook: sync of project ${hit.projectId} failed: ${String(error)}`),
      );
      return { received: true, synced: true };
    }),
  );
  return router;
}

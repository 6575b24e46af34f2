import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type RequestHandler } from 'express';
import session from 'express-session';
import { Server as SocketServer } from 'socket.io';
import { randomBytes } from 'node:crypto';
import type { AppContext } from './context.ts';
import { createPassport } from './auth/passport.ts';
import { PostgresSessionStore } from './auth/session-store.ts';
import { securityHeaders } from './http/security-headers.ts';
import { csrfProtection } from './http/csrf.ts';
import { errorHandler } from './http/error-handler.ts';
import { clientRoutes } from './http/client-assets.ts';
import { rejectUnstorableText } from './http/storable-text.ts';
import { unauthenticated, notFound } from './errors.ts';
import { getOrCreateSetting } from './db/queries/server-settings.ts';
import { sessionRoutes } from './routes/session.routes.ts';
import { userRoutes } from './routes/users.routes.ts';
import { projectRoutes } from './routes/projects.routes.ts';
import { importRoutes, isCorpusUpload } from './routes/imports.routes.ts';
import { batchRoutes } from './routes/batches.routes.ts';
import { annotateRoutes } from './routes/annotate.routes.ts';
import { exportRoutes } from './routes/export.routes.ts';
import { startBatchProgressProcessor } from './realtime/batch-progress.ts';
import { startReaggregation } from './jobs/reaggregation.ts';
import { qualityRoutes } from './routes/quality.routes.ts';
import { filterRoutes } from './routes/filter.routes.ts';
import { classifierRoutes } from './routes/classifier.routes.ts';
import { judgeRoutes } from './routes/judges.routes.ts';
import { judgeReportRoutes } from './routes/judge-reports.routes.ts';
import { judgeRunsJob, stopJudgeRuns } from './jobs/judge-runs.ts';
import { mturkWorkerRoutes } from './routes/mturk-worker.routes.ts';
import { isProlificHook, prolificWorkerRoutes } from './routes/prolific-worker.routes.ts';
import { crowdRoutes } from './routes/crowd.routes.ts';
import { attachRealtime } from './realtime/attach.ts';
import { removalRoutes } from './routes/removal.routes.ts';
import { projectScope } from './auth/project-scope.ts';
import { endpoint } from './http/endpoint.ts';
import { attachClusterAdapter } from './realtime/cluster-adapter.ts';
import { crowdPurgeJob } from './jobs/crowd-purge.ts';
import { sessionCleanupJob } from './jobs/session-cleanup.ts';
import type { PeriodicJob } from './jobs/scheduler.ts';

const clientDist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;

export interface BuiltApp {
  app: express.Express;
  /** Periodic jobs this app wants run (the entry point schedules them; tests call them directly). */
  jobs: PeriodicJob[];
  server: http.Server;
  io: SocketServer;
  close(): Promise<void>;
}

/** Builds the Express app and Socket.IO server over a context; listens on nothing (the caller does). */
export async function buildApp(ctx: AppContext): Promise<BuiltApp> {
  const { db } = ctx.store;
  const secret = ctx.config.SESSION_SECRET ?? (await getOrCreateSetting(db, 'session_secret', () => randomBytes(32).toString('hex')));
  const passport = createPassport(db);
  const app = express();
  app.set('trust proxy', ctx.config.TRUST_PROXY);
  app.disable('x-powered-by');
  // The configured crowd endpoint (an emulator when rehearsing) may frame the task page and receive its form.
  const crowdOrigin = new URL(ctx.config.MTURK_ENDPOINT).origin;
  app.use(securityHeaders({ extraFrameAncestors: [crowdOrigin], extraFormActions: [crowdOrigin] }));

  const sessionMiddleware = session({
    name: 'curate.sid',
    secret,
    store: new PostgresSessionStore(db),
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: SESSION_TTL_MS },
  });
  const authMiddleware: RequestHandler[] = [sessionMiddleware, passport.initialize(), passport.session(), tokenAuth(passport)];

  const api = express.Router();
  const json = express.json({ limit: '1mb' });
  // A corpus upload streams its own body, and a Prolific hook's signature covers its raw body.
  api.use((req, res, next) => (isCorpusUpload(req) || isProlificHook(req) ? next() : json(req, res, next)));
  api.use(rejectUnstorableText);
  api.use(...authMiddleware);
  // Crowd workers have no session with us, so no ambient credentials a forged request could ride on.
  api.use(csrfProtection({ secret, exemptPaths: [/^\/mturk\//], alwaysPaths: [/^\/auth\/login$/] }));
  api.get(
    '/health',
    endpoint('public', {}, () => ({ ok: true, store: ctx.store.kind, version: process.env.npm_package_version ?? '0.1.0' })),
  );
  api.use(projectScope(db));
  api.use(sessionRoutes(ctx, passport));
  api.use(userRoutes(ctx));
  api.use(projectRoutes(ctx));
  api.use(importRoutes(ctx));
  api.use(batchRoutes(ctx));
  api.use(removalRoutes(ctx));
  api.use(annotateRoutes(ctx));
  api.use(exportRoutes(ctx));
  api.use(qualityRoutes(ctx));
  api.use(filterRoutes(ctx));
  api.use(classifierRoutes(ctx));
  // Before the judges' own routes, so /judges/report is never read as a judge id.
  api.use(judgeReportRoutes(ctx));
  api.use(judgeRoutes(ctx));
  api.use(mturkWorkerRoutes(ctx));
  api.use(prolificWorkerRoutes(ctx));
  api.use(crowdRoutes(ctx));
  api.use((req, _res, next) => next(notFound(`API route ${req.method} ${req.path}`)));
  app.use('/api', api);

  app.use(clientRoutes(ctx.config.CLIENT_DIR ? path.resolve(ctx.config.CLIENT_DIR) : clientDist));
  app.use(errorHandler);

  const server = http.createServer(app);
  // Annotators send a request every few seconds to a minute; Node's 5 s default closed their connection between
  // tasks, so each task paid a new connection (a TLS handshake behind a proxy) and a request sent as the server closed
  // the socket failed. A minute and a bit outlasts a long think and the 60 s idle timeout of common proxies.
  server.keepAliveTimeout = 65_000;
  const io = new SocketServer(server, { serveClient: false });
  const closeClusterAdapter = attachClusterAdapter(io, ctx.store);
  const detachRealtime = attachRealtime(io, ctx, authMiddleware);
  const stopProgress = startBatchProgressProcessor(ctx);
  const reaggregation = startReaggregation(ctx);
  return {
    app,
    jobs: [reaggregation.sweep, crowdPurgeJob(ctx), sessionCleanupJob(ctx), judgeRunsJob(ctx)],
    server,
    io,
    close: async () => {
      detachRealtime();
      stopProgress();
      // Runs in flight stop with their answers so far stored; they stay 'running' and resume on the next start.
      await stopJudgeRuns(ctx);
      await reaggregation.stop();
      // Idle keep-alive connections go now; requests in flight get the grace period, then are cut off.
      server.closeIdleConnections();
      const cutOff = setTimeout(() => server.closeAllConnections(), ctx.config.SHUTDOWN_GRACE_MS);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      clearTimeout(cutOff);
      await closeClusterAdapter();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Authenticates `Authorization: Bearer` API tokens; a bad token is refused outright rather than ignored. */
function tokenAuth(passport: ReturnType<typeof createPassport>): RequestHandler {
  return (req, res, next) => {
    if (!req.headers.authorization) {
      if (req.user) req.authVia = 'session';
      return next();
    }
    passport.authenticate('token', { session: false }, (error: unknown, user: Express.User | false) => {
      if (error) return next(error);
      if (!user) return next(unauthenticated('Invalid or revoked API token'));
      req.user = user;
      req.authVia = 'token';
      next();
    })(req, res, next);
  };
}

/**
 * Judge runs as jobs: each document of the scope not yet answered by the judge is put to its endpoint, at most
 * `concurrency` calls at a time, and the answers are stored in small transactions (server/db/queries/judges.ts).
 *
 * Resumable by construction: what is done is exactly what is stored (one answer per judge and document, enforced by
 * a unique index), so a run picked up after a crash or restart asks only for the documents without an answer. A run
 * is owned by the process holding its lock (a session advisory lock on PostgreSQL, so it dies with a killed
 * process); a run left 'queued' or 'running' with no owner is picked up by the sweep of any process.
 */
import { setMaxListeners } from 'node:events';
import pLimit from 'p-limit';
import type { AppContext } from '../context.ts';
import type { Judge, JudgeRun, Project } from '../db/schema.ts';
import {
  countUnanswered,
  findJudge,
  findJudgeRun,
  recordJudgeAnswers,
  runsToResume,
  setJudgeRunFailed,
  setJudgeRunStatus,
  unansweredDocuments,
  type NewJudgeAnswer,
} from '../db/queries/judges.ts';
import { findProject } from '../db/queries/projects.ts';
import { projectTaskType } from '../../tasks/registry.ts';
import { tryDocumentPayload } from '../commands/document-payload.ts';
import { drawCalibrationSampleAfterRun } from '../commands/draw-calibration-sample.ts';
import { JudgeCallError, judgeClient, type JudgeCall } from '../judges/client.ts';
import { exclusively } from './exclusive.ts';
import { presentJudgeRunProgress } from '../presenters/judges.ts';
import { describeForLog } from '../describe-error.ts';
import { rootMessage } from '../errors.ts';
import type { PeriodicJob } from './scheduler.ts';

/** Per-run job locks, in a range of their own (aggregation 1e9 + project, classifier 1.1e9 + project). */
const LOCK_BASE = 1_200_000_000;
/** Documents read per page; the next page is read while this one's calls are in flight. */
const PAGE = 500;
/** Answers stored per transaction, at most; a partial batch is stored after FLUSH_MS. */
const FLUSH_ROWS = 200;
const FLUSH_MS = 200;
/**
 * Answers received but not stored, at most: past it the calls wait for the store, so a slow or failing store slows
 * the paid-for calls instead of piling up answers in memory that a crash would throw away.
 */
const MAX_UNSTORED = 4 * FLUSH_ROWS;
/** How often a run reads its own status, to see a pause or cancel asked through another process. */
const STATUS_POLL_MS = 500;
const PROGRESS_EVERY_MS = 250;
/** Passes over the scope: documents whose calls failed after every retry are asked again in the next pass. */
const PASSES = 3;
const SWEEP_MS = 5_000;
const LOCK_RETRIES = 40;
const LOCK_RETRY_MS = 250;

/** The runs this app's process is working on, so closing the app can stop them (they stay resumable). */
const owned = new WeakMap<AppContext, Map<number, { stop: AbortController; done: Promise<void> }>>();
const ownedBy = (ctx: AppContext) => owned.get(ctx) ?? owned.set(ctx, new Map()).get(ctx)!;

/** Starts (or resumes) run `runId` in this process unless some process already runs it. */
export function launchJudgeRun(ctx: AppContext, runId: number): Promise<void> {
  const mine = ownedBy(ctx);
  const current = mine.get(runId);
  if (current) return current.done;
  const stop = new AbortController();
  const done = ownAndWork(ctx, runId, stop.signal)
    .catch((error) => console.error(`judge run ${runId} failed: ${describeForLog(error)}`))
    .finally(() => mine.delete(runId));
  mine.set(runId, { stop, done });
  return done;
}

/**
 * Takes the run's lock and works; while someone else holds it (a worker still winding down after a pause, or
 * another process), waits and tries again as long as the run is queued, i.e. asked to start.
 */
async function ownAndWork(ctx: AppContext, runId: number, stop: AbortSignal) {
  for (let attempt = 0; attempt < LOCK_RETRIES && !stop.aborted; attempt++) {
    const ran = await exclusively(ctx.store, LOCK_BASE + runId, async () => (await work(ctx, runId, stop), true));
    if (ran) return;
    if ((await findJudgeRun(ctx.store.db, runId))?.status !== 'queued') return;
    await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_MS));
  }
}

/** Tells this process's worker on the run (if any) to stop now rather than at its next status read. */
export function interruptJudgeRun(ctx: AppContext, runId: number) {
  ownedBy(ctx).get(runId)?.stop.abort();
}

/** Stops this process's runs without finishing them (they stay 'running', to be resumed), and waits for them. */
export async function stopJudgeRuns(ctx: AppContext) {
  const mine = [...ownedBy(ctx).values()];
  for (const run of mine) run.stop.abort();
  await Promise.allSettled(mine.map((r) => r.done));
}

/** The periodic job that picks up queued runs and runs left running by a process that stopped. */
export function judgeRunsJob(ctx: AppContext): PeriodicJob {
  return {
    name: 'judge-runs',
    everyMs: SWEEP_MS,
    run: async () => {
      for (const { id } of await runsToResume(ctx.store.db)) void launchJudgeRun(ctx, id);
    },
  };
}

/** The progress event of a run as stored. */
function announce(ctx: AppContext, run: JudgeRun) {
  ctx.events.publish({
    name: 'judge:progress',
    payload: presentJudgeRunProgress(run),
    to: { projectId: run.projectId },
  });
}

/** The answer stored for a document: parsed into a judgment, or unparsed with why. */
export function answerOf(taskType: NonNullable<ReturnType<typeof projectTaskType>>, documentId: number, calls: JudgeCall[]): NewJudgeAnswer {
  const contents = calls.map((c) => c.content);
  const reading = taskType.judge.read(contents);
  const truncated = calls.some((c) => c.finishReason === 'length');
  const sum = (key: 'tokensIn' | 'tokensOut' | 'latencyMs' | 'attempts') => calls.reduce((s, c) => s + c[key], 0);
  return {
    documentId,
    status: reading.ok ? 'parsed' : 'unparsed',
    raw: contents[0] ?? '',
    rawSwapped: contents[1] ?? null,
    value: reading.ok ? reading.value : null,
    parseError: reading.ok ? null : `${reading.reason}${truncated ? ' (the answer was cut at max tokens)' : ''}`,
    orderDisagreement: reading.ok && reading.orderDisagreement,
    tokensIn: sum('tokensIn'),
    tokensOut: sum('tokensOut'),
    latencyMs: sum('latencyMs'),
    attempts: sum('attempts'),
  };
}

async function work(ctx: AppContext, runId: number, stopSignal: AbortSignal) {
  const { db } = ctx.store;
  const run = await findJudgeRun(db, runId);
  if (!run || (run.status !== 'queued' && run.status !== 'running')) return;
  const [judge, project] = await Promise.all([findJudge(db, run.projectId, run.judgeId), findProject(db, run.projectId)]);
  const fail = async (message: string) => announce(ctx, (await setJudgeRunStatus(db, runId, 'failed', { lastError: message, finished: true }))!);
  if (!judge || !project) return fail('the judge or its project is gone');
  let taskType;
  try {
    taskType = projectTaskType(project);
  } catch (error) {
    return fail(rootMessage(error));
  }
  if (!taskType) return fail(`unknown task type ${project.taskType}`);
  announce(ctx, (await setJudgeRunStatus(db, runId, 'running', { started: true }))!);

  const abort = new AbortController();
  // Every call in flight listens on it (the openai client adds one per request): up to `concurrency` at once.
  setMaxListeners(0, abort.signal);
  const stopAll = () => abort.abort();
  stopSignal.addEventListener('abort', stopAll);
  // A pause or cancel may be asked through any process: the run reads its own status to hear it.
  const poll = setInterval(() => {
    findJudgeRun(db, runId)
      .then((r) => r && r.status !== 'running' && abort.abort())
      .catch(() => undefined);
  }, STATUS_POLL_MS);
  let fatal: string | undefined;
  let lastFailure: string | undefined;
  try {
    await passes(ctx, { run, judge, project, taskType }, abort.signal, (e) => {
      if (!e.fatal) lastFailure = e.message;
      else {
        fatal = e.message;
        abort.abort();
      }
    });
  } catch (error) {
    // A key variable not set, or the store failing: the run stops saying why, and can be resumed.
    fatal = rootMessage(error);
  } finally {
    clearInterval(poll);
    stopSignal.removeEventListener('abort', stopAll);
  }
  if (fatal) return fail(fatal);
  if (stopSignal.aborted) return; // this process is stopping: the run stays 'running' for whoever starts next
  const now = await findJudgeRun(db, runId);
  if (now?.status !== 'running') return now && announce(ctx, now); // paused or cancelled meanwhile
  const left = await countUnanswered(db, judge.id, project.id, run.batchId);
  await setJudgeRunFailed(db, runId, left);
  announce(
    ctx,
    (await setJudgeRunStatus(db, runId, 'done', {
      finished: true,
      lastError: left ? `${left} documents left unanswered after ${PASSES} passes: ${lastFailure ?? 'calls failed'}` : null,
    }))!,
  );
  await drawCalibrationSampleAfterRun(ctx, run);
}

interface RunParts {
  run: JudgeRun;
  judge: Judge;
  project: Project;
  taskType: NonNullable<ReturnType<typeof projectTaskType>>;
}

/** Up to PASSES passes over the scope's unanswered documents, storing answers as they come. */
async function passes(ctx: AppContext, parts: RunParts, signal: AbortSignal, onFailure: (e: JudgeCallError) => void) {
  const { run, judge, project, taskType } = parts;
  const { db } = ctx.store;
  const template = judge.promptTemplate ?? taskType.judge.template;
  const client = judgeClient(judge, { signal });
  const limit = pLimit(judge.concurrency);
  let buffer: NewJudgeAnswer[] = [];
  let flushing: Promise<void> = Promise.resolve();
  let lastProgress = 0;
  let unstored = 0;
  // Never rejects: rows a failed write could not store go back to the buffer for the next flush, so one failure (a
  // restarted database) neither loses them nor breaks the chain for every later write.
  const flush = (force = false) => {
    if (!buffer.length) return flushing;
    const rows = buffer;
    buffer = [];
    flushing = flushing.then(async () => {
      let batches;
      try {
        ({ batches } = await db.transaction((tx) => recordJudgeAnswers(tx, run, judge, rows)));
      } catch (error) {
        buffer.push(...rows);
        console.error(`judge run ${run.id}: ${rows.length} answers not stored yet: ${describeForLog(error)}`);
        return;
      }
      unstored -= rows.length;
      for (const { batchId, itemId } of batches)
        ctx.events.publish({ name: 'judgments:changed', payload: { projectId: project.id, batchId, itemId } });
      if (force || Date.now() - lastProgress >= PROGRESS_EVERY_MS) {
        lastProgress = Date.now();
        const now = await findJudgeRun(db, run.id).catch(() => undefined);
        if (now) announce(ctx, now);
      }
    });
    return flushing;
  };
  const timer = setInterval(() => void flush(), FLUSH_MS);

  const judgeOne = async (doc: { id: number; text: string; meta: unknown }) => {
    if (signal.aborted) return false;
    const payload = tryDocumentPayload(project, doc);
    let answer: NewJudgeAnswer;
    if ('problem' in payload) {
      // The document cannot be shown as this task: recorded like an unreadable answer, so it is counted, not retried.
      answer = { documentId: doc.id, status: 'unparsed', raw: '', parseError: `document: ${payload.problem}`, attempts: 0 };
    } else {
      try {
        const calls: JudgeCall[] = [];
        // Pairwise asks twice; in turn, so a run's concurrency stays the number of calls in flight.
        for (const messages of taskType.judge.messages(template, payload.payload)) calls.push(await client.ask(messages));
        answer = answerOf(taskType, doc.id, calls);
      } catch (error) {
        if (signal.aborted) return false;
        onFailure(error instanceof JudgeCallError ? error : new JudgeCallError(rootMessage(error), 1, false));
        return false;
      }
    }
    buffer.push(answer);
    unstored++;
    if (buffer.length >= FLUSH_ROWS) void flush();
    // Holding this call's concurrency seat until the store catches up is the backpressure.
    while (unstored > MAX_UNSTORED && !signal.aborted) {
      await flush();
      if (unstored > MAX_UNSTORED) await new Promise((resolve) => setTimeout(resolve, FLUSH_MS));
    }
    return true;
  };

  try {
    for (let pass = 0; pass < PASSES && !signal.aborted; pass++) {
      const inFlight = new Set<Promise<boolean>>();
      let failures = 0;
      for (let after = 0; !signal.aborted;) {
        const page = await unansweredDocuments(db, judge.id, project.id, run.batchId, after, PAGE);
        if (!page.length) break;
        after = Number(page[page.length - 1].id);
        for (const doc of page) {
          const p: Promise<boolean> = limit(() => judgeOne({ ...doc, id: Number(doc.id) })).then((ok) => {
            inFlight.delete(p);
            if (!ok) failures++;
            return ok;
          });
          inFlight.add(p);
          // Backpressure: a page queued ahead at most, so memory holds two pages of texts.
          while (inFlight.size >= PAGE + judge.concurrency) await Promise.race(inFlight);
        }
      }
      await Promise.all(inFlight);
      await flush(true);
      if (failures === 0) break;
    }
  } finally {
    clearInterval(timer);
    await flush(true);
  }
  // Unstored answers stay unanswered documents: the run fails saying so, and resuming it asks them again.
  if (buffer.length) throw new Error(`${buffer.length} answers could not be stored`);
}

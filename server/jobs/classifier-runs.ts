import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { AppContext } from '../context.ts';
import type { Project } from '../db/schema.ts';
import {
  countDocuments,
  classifierModelBytes,
  documentsAfter,
  failInterruptedRuns,
  findClassifierRun,
  finishClassifierRun,
  labeledDocuments,
  setScoreStatus,
  upsertDocumentScores,
  type LabeledRow,
} from '../db/queries/classifier.ts';
import { createScorer, expectedValue, labelName, readFastTextBin, type TrainProgress } from '../classifier/index.ts';
import {
  classSchemeSchema,
  splitTrainingSet,
  type ClassifierReport,
  type ClassifierTraining,
  type LabeledDocument,
} from '../filtering/classifier-training-set.ts';
import type { TrainWorkerInput, TrainWorkerMessage } from './classifier-train-worker.ts';
import { exclusively } from './exclusive.ts';
import { describeForLog } from '../describe-error.ts';
import { rootMessage } from '../errors.ts';
import { projectTaskType } from '../../tasks/registry.ts';

/** Per-project job locks, in a range of their own (aggregation uses 1e9 + id). */
const LOCK_BASE = 1_100_000_000;
/** Documents scored and written per page: a page's texts are all that is held at a time. */
const SCORE_PAGE = 2_000;
/** At most this many progress events a second reach the project's watchers. */
const PROGRESS_EVERY_MS = 250;

/**
 * How a project's aggregated results become class names for training, and its gold or adjudicated answers the
 * labels held-out documents are judged against; undefined for a task type a quality classifier does not fit.
 */
export function classifierLabelsOf(project: Project) {
  const taskType = projectTaskType(project);
  if (!taskType || taskType.aggregationKind === 'pairwise') return undefined;
  const classes = taskType.aggregationClasses();
  const ordinal = taskType.aggregationKind === 'ordinal';
  return (row: LabeledRow): LabeledDocument | undefined => {
    const label = ordinal ? labelName(row.score) : labelName(row.label);
    if (label === undefined) return undefined;
    const answer = row.reference;
    const fits = answer !== null && answer !== undefined && taskType.fitsGold(answer);
    const value = fits ? taskType.goldLabel(answer) : undefined;
    const reference = value === undefined ? undefined : ordinal ? labelName(value) : classes?.[value];
    return { text: row.text, label, confidence: Number(row.confidence), reference: reference ?? null };
  };
}

/** A throttle for progress events: always lets the last one through. */
function throttled<T>(send: (value: T) => void) {
  let last = 0;
  return (value: T, force = false) => {
    const now = Date.now();
    if (!force && now - last < PROGRESS_EVERY_MS) return;
    last = now;
    send(value);
  };
}

/**
 * Trains run `runId` from the project's aggregated results and stores its model and held-out report, announcing
 * progress to the project's watchers. One classifier job per project at a time, across server processes; a run
 * that finds another going fails saying so.
 */
export async function runClassifierTraining(ctx: AppContext, props: { project: Project; runId: number; training: ClassifierTraining }) {
  const { project, runId, training } = props;
  const projectId = project.id;
  const done = (status: 'succeeded' | 'failed', message: string) =>
    ctx.events.publish({ name: 'classifier:done', payload: { projectId, runId, phase: 'training', status, message }, to: { projectId } });
  try {
    const ran = await exclusively(ctx.store, LOCK_BASE + projectId, async () => {
      await failInterruptedRuns(ctx.store.db, projectId, runId);
      const toDocument = classifierLabelsOf(project)!;
      const documents = (await labeledDocuments(ctx.store.db, projectId)).flatMap((row) => toDocument(row) ?? []);
      const set = splitTrainingSet(documents, training);
      if (set.train.length === 0 || set.heldOut.length === 0)
        throw new Error(`${documents.length} labeled documents are too few to train and evaluate on`);
      const progress = throttled((p: TrainProgress) =>
        ctx.events.publish({
          name: 'classifier:progress',
          payload: { projectId, runId, phase: 'training', done: p.done, total: p.total, loss: p.loss },
          to: { projectId },
        }),
      );
      const { bin, report } = await trainInWorker({ set, training }, progress);
      await finishClassifierRun(ctx.store.db, runId, {
        status: 'succeeded',
        classes: set.scheme,
        trainExamples: set.train.length,
        heldOutExamples: set.heldOut.length,
        report,
        model: bin,
      });
      return true;
    });
    if (!ran) throw new Error('another classifier job of this project is running');
    done('succeeded', 'trained');
  } catch (error) {
    const message = rootMessage(error);
    await finishClassifierRun(ctx.store.db, runId, { status: 'failed', message }).catch((e) =>
      console.error(`could not record classifier run ${runId} failing: ${describeForLog(e)}`),
    );
    done('failed', message);
  }
}

/** The worker's entry, loaded through tsx's loader as the server itself is. */
const workerEntry = new URL('./classifier-train-worker.ts', import.meta.url).href;
const tsxApi = pathToFileURL(
  createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs'),
).href;

function trainInWorker(
  input: TrainWorkerInput,
  onProgress: (p: TrainProgress, force?: boolean) => void,
): Promise<{ bin: Buffer; report: ClassifierReport }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(
      `import(${JSON.stringify(tsxApi)}).then(({ tsImport }) => tsImport(${JSON.stringify(workerEntry)}, ${JSON.stringify(workerEntry)}))`,
      { eval: true, workerData: input },
    );
    let result: { bin: Buffer; report: ClassifierReport } | undefined;
    worker.on('message', (message: TrainWorkerMessage) => {
      if (message.type === 'progress') onProgress(message.progress, message.progress.done === message.progress.total);
      else result = { bin: Buffer.from(message.bin.buffer, message.bin.byteOffset, message.bin.byteLength), report: message.report };
    });
    worker.on('error', reject);
    worker.on('exit', (code) => (result ? resolve(result) : reject(new Error(`training stopped (worker exit code ${code})`))));
  });
}

/**
 * Scores every document of the project with run `runId`'s model, page by page in id order (keyset paging, so
 * memory holds one page of texts however large the corpus), storing each document's class probabilities and their
 * expected value, announcing progress as it goes.
 */
export async function runClassifierScoring(ctx: AppContext, props: { projectId: number; runId: number }) {
  const { projectId, runId } = props;
  const { db } = ctx.store;
  let scored = 0;
  const done = (status: 'succeeded' | 'failed', message: string) =>
    ctx.events.publish({ name: 'classifier:done', payload: { projectId, runId, phase: 'scoring', status, message }, to: { projectId } });
  try {
    const ran = await exclusively(ctx.store, LOCK_BASE + projectId, async () => {
      await failInterruptedRuns(db, projectId, runId);
      const bytes = await classifierModelBytes(db, projectId, runId);
      const run = await findClassifierRun(db, projectId, runId);
      if (!bytes || !run) throw new Error('the run has no model');
      const model = readFastTextBin(bytes);
      const { values } = classSchemeSchema.parse(run.classes);
      const score = createScorer(model);
      const total = await countDocuments(db, projectId);
      const progress = throttled((n: number) =>
        ctx.events.publish({
          name: 'classifier:progress',
          payload: { projectId, runId, phase: 'scoring', done: n, total, loss: null },
          to: { projectId },
        }),
      );
      for (let after = 0; ;) {
        const page = await documentsAfter(db, projectId, after, SCORE_PAGE);
        if (!page.length) break;
        const rows = page.map((d) => {
          const probabilities = score(d.text);
          return { documentId: Number(d.id), score: expectedValue(probabilities, values), probabilities };
        });
        await upsertDocumentScores(db, projectId, runId, rows);
        after = rows[rows.length - 1].documentId;
        scored += rows.length;
        // Kept on the run too, so a client without a socket (the CLI) can follow by asking.
        await setScoreStatus(db, runId, 'running', scored);
        progress(scored);
      }
      progress(scored, true);
      await setScoreStatus(db, runId, 'succeeded', scored);
      return true;
    });
    if (!ran) throw new Error('another classifier job of this project is running');
    done('succeeded', `${scored} documents scored`);
  } catch (error) {
    const message = rootMessage(error);
    await setScoreStatus(db, runId, 'failed', scored, message).catch((e) => console.error(`could not record scoring failing: ${describeForLog(e)}`));
    done('failed', message);
  }
}

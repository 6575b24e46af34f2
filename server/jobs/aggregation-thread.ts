import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { AggregationReply, AggregationRequest } from './aggregation-worker.ts';
import type { AggregationSnapshot, ProjectAggregation } from '../quality/project-aggregation.ts';

/** The worker's entry, loaded through tsx's loader as the server itself is (as the classifier's training is). */
const workerEntry = new URL('./aggregation-worker.ts', import.meta.url).href;
const tsxApi = pathToFileURL(
  createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs'),
).href;

let worker: Worker | undefined;
let nextId = 1;
const pending = new Map<number, { resolve: (r: ProjectAggregation) => void; reject: (e: Error) => void }>();

/**
 * One worker for the process, started on first use: loading the engine through tsx costs far more than a run on
 * a small project, so it is kept. It is unreferenced while idle, so it never keeps a CLI or a test process alive.
 */
function theWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(
    `import(${JSON.stringify(tsxApi)}).then(({ tsImport }) => tsImport(${JSON.stringify(workerEntry)}, ${JSON.stringify(workerEntry)}))`,
    { eval: true },
  );
  w.on('message', (reply: AggregationReply) => {
    const waiter = pending.get(reply.id);
    if (!waiter) return;
    pending.delete(reply.id);
    if (!pending.size) w.unref();
    if ('error' in reply) waiter.reject(new Error(`aggregation failed in its worker: ${reply.error}`));
    else waiter.resolve(reply.result);
  });
  const fail = (error: Error) => {
    if (worker === w) worker = undefined;
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  };
  w.on('error', fail);
  w.on('exit', (code) => fail(new Error(`the aggregation worker stopped (exit code ${code})`)));
  w.unref();
  worker = w;
  return w;
}

/** Computes a re-aggregation in the worker thread; the main thread only copies the snapshot in and the result out. */
export function computeInWorker(snapshot: AggregationSnapshot): Promise<ProjectAggregation> {
  const w = theWorker();
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    // Referenced while a run waits on it, so a process awaiting its answer is not let exit.
    w.ref();
    w.postMessage({ id, snapshot } satisfies AggregationRequest);
  });
}

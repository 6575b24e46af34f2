/**
 * A worker thread's entry: trains and evaluates off the server's event loop (training takes minutes on 100k
 * documents, and requests and Socket.IO must go on meanwhile), posting progress and then the model as fastText bytes.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { writeFastTextBin, type TrainProgress } from '../classifier/index.ts';
import { trainAndEvaluate, type ClassifierReport, type ClassifierTraining, type TrainingSet } from '../filtering/classifier-training-set.ts';

/** What the job hands the worker. */
export interface TrainWorkerInput {
  set: TrainingSet;
  training: ClassifierTraining;
}

/** What the worker posts back. */
export type TrainWorkerMessage = { type: 'progress'; progress: TrainProgress } | { type: 'done'; bin: Uint8Array; report: ClassifierReport };

const port = parentPort!;
const { set, training } = workerData as TrainWorkerInput;
const { model, report } = trainAndEvaluate(set, training, (progress) =>
  port.postMessage({ type: 'progress', progress } satisfies TrainWorkerMessage),
);
const bin = writeFastTextBin(model);
port.postMessage({ type: 'done', bin, report } satisfies TrainWorkerMessage);

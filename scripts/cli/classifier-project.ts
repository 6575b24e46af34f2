/**
 * `npm run curate -- classifier ACTION --project NAME`: a project's quality classifier through the server's API
 * (training and scoring run there as jobs), as opposed to the offline actions on files in classifier.ts.
 */
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { ApiClient } from './api-client.ts';
import { CliError } from './command.ts';
import { parseCliArgs, required } from './parse-args.ts';
import { progressBar } from './progress-bar.ts';
import { formatEvaluation } from './classifier.ts';
import type { ClassifierRun, ClassifierRuns } from '../../client/lib/types.ts';

export const projectUsage = `       npm run curate -- classifier train --project NAME [--epoch N --dim N --bucket N --word-ngrams N --seed N --held-out 0.2]
       npm run curate -- classifier evaluate --project NAME [--run ID] [--json]
       npm run curate -- classifier score --project NAME [--run ID]
       npm run curate -- classifier export --project NAME --what model|training-file|scores|attributes --out FILE [--run ID] [--name ATTR]
       npm run curate -- classifier loop --project NAME --batch-size N [--redundancy K] [--measure margin|entropy] [--open]

With --project, the classifier is the project's, trained and run by the server (CURATE_URL) as jobs: train learns its
aggregated results (weighted by confidence; gold and adjudicated documents held out first), evaluate prints the
held-out report beside the baselines, score scores every document of the project, export downloads the model
(.bin), the training file, the scores (Parquet) or Dolma attributes (.jsonl.gz, --name the attribute prefix).
--run picks a run (default: the latest trained one). loop runs one round of active learning: it retrains on the
current labels, scores the corpus, and draws a batch of the N documents the new model is least sure of (spread over
sources; a draft unless --open), printing the new run's held-out figures and the batch.`;

const POLL_MS = 500;

async function runs(client: ApiClient, projectId: number) {
  return client.request<ClassifierRuns>('GET', `/api/projects/${projectId}/classifier/runs`);
}

async function pickRun(client: ApiClient, projectId: number, runId: string | undefined): Promise<ClassifierRun> {
  const { runs: all } = await runs(client, projectId);
  const run = runId === undefined ? all.find((r) => r.status === 'succeeded') : all.find((r) => r.id === Number(runId));
  if (!run)
    throw new CliError(runId === undefined ? 'no trained classifier yet (classifier train --project NAME)' : `no run ${runId} in this project`);
  return run;
}

async function follow(client: ApiClient, projectId: number, runId: number, phase: 'status' | 'scoreStatus', label: string, total: number) {
  const bar = progressBar(label, total);
  for (;;) {
    const { run } = await client.request<{ run: ClassifierRun }>('GET', `/api/projects/${projectId}/classifier/runs/${runId}`);
    bar.update(phase === 'scoreStatus' ? run.scored : 0, phase === 'scoreStatus' ? `${run.scored} documents` : 'training');
    if (run[phase] !== 'running') {
      bar.update(total);
      bar.done();
      if (run[phase] === 'failed') throw new CliError(`run ${runId} failed: ${run.message}`);
      return run;
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** The API client and the id of the project named by --project. */
async function projectOf(name: string | undefined) {
  const client = await ApiClient.fromEnv();
  const project = await client.projectByName(required(name, '--project'));
  return { client, projectId: project.id };
}

async function train(argv: string[]) {
  const { values } = parseCliArgs(argv, {
    project: { type: 'string' },
    epoch: { type: 'string' },
    dim: { type: 'string' },
    bucket: { type: 'string' },
    'word-ngrams': { type: 'string' },
    seed: { type: 'string' },
    'held-out': { type: 'string' },
  });
  if (values.help) return (console.log(projectUsage), 0);
  const { client, projectId } = await projectOf(values.project);
  const number = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const settings = {
    epoch: number(values.epoch),
    dim: number(values.dim),
    bucket: number(values.bucket),
    wordNgrams: number(values['word-ngrams']),
    seed: number(values.seed),
    heldOutShare: number(values['held-out']),
  };
  const { run } = await client.request<{ run: ClassifierRun }>('POST', `/api/projects/${projectId}/classifier/runs`, { json: settings });
  const done = await follow(client, projectId, run.id, 'status', `training run ${run.id}`, 1);
  console.log(`run ${done.id}: trained on ${done.trainExamples} documents, ${done.heldOutExamples} held out`);
  if (done.evaluation) console.log(formatEvaluation(done.evaluation));
  return 0;
}

async function evaluate(argv: string[]) {
  const { values } = parseCliArgs(argv, { project: { type: 'string' }, run: { type: 'string' }, json: { type: 'boolean' } });
  if (values.help) return (console.log(projectUsage), 0);
  const { client, projectId } = await projectOf(values.project);
  const run = await pickRun(client, projectId, values.run);
  if (!run.evaluation) throw new CliError(`run ${run.id} has no evaluation (${run.status})`);
  console.log(
    values.json ? JSON.stringify(run.evaluation, null, 2) : `run ${run.id}, ${run.heldOutExamples} held out\n${formatEvaluation(run.evaluation)}`,
  );
  return 0;
}

async function score(argv: string[]) {
  const { values } = parseCliArgs(argv, { project: { type: 'string' }, run: { type: 'string' } });
  if (values.help) return (console.log(projectUsage), 0);
  const { client, projectId } = await projectOf(values.project);
  const picked = await pickRun(client, projectId, values.run);
  const { projects } = await client.request<{ projects: { id: number; counts?: { documents: number } }[] }>('GET', '/api/projects?archived=include');
  const documents = projects.find((p) => p.id === projectId)?.counts?.documents ?? 0;
  await client.request('POST', `/api/projects/${projectId}/classifier/runs/${picked.id}/score`);
  const run = await follow(client, projectId, picked.id, 'scoreStatus', 'scoring', documents);
  console.log(`run ${run.id}: ${run.scored} documents scored`);
  return 0;
}

async function exportFile(argv: string[]) {
  const { values } = parseCliArgs(argv, {
    project: { type: 'string' },
    what: { type: 'string' },
    out: { type: 'string' },
    run: { type: 'string' },
    name: { type: 'string', default: 'curate_quality' },
  });
  if (values.help) return (console.log(projectUsage), 0);
  const { client, projectId } = await projectOf(values.project);
  const what = required(values.what, '--what');
  const out = required(values.out, '--out');
  const paths: Record<string, () => Promise<string>> = {
    model: async () => `classifier/runs/${(await pickRun(client, projectId, values.run)).id}/model.bin`,
    'training-file': async () => 'classifier/training-file',
    scores: async () => 'classifier/scores.parquet',
    attributes: async () => `classifier/attributes?name=${encodeURIComponent(values.name)}`,
  };
  if (!paths[what]) throw new CliError(`--what must be one of ${Object.keys(paths).join(', ')}`, 2);
  const body = await client.stream('GET', `/api/projects/${projectId}/${await paths[what]()}`);
  await pipeline(Readable.fromWeb(body as NodeReadableStream<Uint8Array>), fs.createWriteStream(out));
  console.log(`wrote ${out} (${fs.statSync(out).size} bytes)`);
  return 0;
}

async function loop(argv: string[]) {
  const { values } = parseCliArgs(argv, {
    project: { type: 'string' },
    'batch-size': { type: 'string' },
    redundancy: { type: 'string' },
    measure: { type: 'string' },
    open: { type: 'boolean' },
  });
  if (values.help) return (console.log(projectUsage), 0);
  const { client, projectId } = await projectOf(values.project);
  const size = Number(required(values['batch-size'], '--batch-size'));
  const { run } = await client.request<{ run: ClassifierRun }>('POST', `/api/projects/${projectId}/classifier/rounds`, {
    json: { measure: values.measure, batch: { size, redundancy: values.redundancy === undefined ? undefined : Number(values.redundancy) } },
  });
  const trained = await follow(client, projectId, run.id, 'status', `training run ${run.id}`, 1);
  console.log(
    `run ${trained.id}: trained on ${trained.trainExamples} documents, held-out Spearman ${trained.evaluation?.model.spearman?.toFixed(3) ?? '-'}`,
  );
  // Scoring starts a moment after training ends: wait for it, so the bar follows it rather than the gap before it.
  for (let r = trained; r.scoreStatus === null && !r.message.startsWith('round:');) {
    await new Promise((wake) => setTimeout(wake, POLL_MS));
    r = (await client.request<{ run: ClassifierRun }>('GET', `/api/projects/${projectId}/classifier/runs/${run.id}`)).run;
  }
  const { projects } = await client.request<{ projects: { id: number; counts?: { documents: number } }[] }>('GET', '/api/projects?archived=include');
  const scored = await follow(client, projectId, run.id, 'scoreStatus', 'scoring', projects.find((p) => p.id === projectId)?.counts?.documents ?? 0);
  // The batch is drawn right after scoring; the run's message says which one, or why there is none.
  for (let message = scored.message; ;) {
    const round = /^round: batch (\d+)/.exec(message);
    if (round) {
      if (values.open) await client.request('POST', `/api/batches/${round[1]}/open`);
      console.log(
        `${message.slice('round: '.length)}${values.open ? ', open' : ', a draft (open it from the Batches page or batches open --batch ' + round[1] + ')'}`,
      );
      return 0;
    }
    if (message.startsWith('round: no batch')) throw new CliError(message);
    await new Promise((r) => setTimeout(r, POLL_MS));
    message = (await client.request<{ run: ClassifierRun }>('GET', `/api/projects/${projectId}/classifier/runs/${run.id}`)).run.message;
  }
}

/** The actions on a project (`--project NAME`), by name. */
export const projectActions: Record<string, (argv: string[]) => Promise<number>> = {
  train,
  evaluate,
  score,
  export: exportFile,
  loop,
};

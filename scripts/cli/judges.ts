/**
 * `npm run curate -- judges ACTION --project NAME`: a project's LLM judges through the server's API (runs are jobs
 * there; the CLI follows one with a progress bar until it ends).
 */
import type { CliCommand } from './command.ts';
import { CliError } from './command.ts';
import { ApiClient } from './api-client.ts';
import { parseCliArgs, required } from './parse-args.ts';
import { progressBar } from './progress-bar.ts';
import type { JudgeRunView, JudgeView } from '../../server/presenters/judges.ts';
import { report, reportUsage } from './judges-report.ts';

const usage = `Usage: npm run curate -- judges add --project NAME --name NAME --base-url URL --model MODEL
                 [--api-key-env VAR] [--temperature 0] [--max-tokens 512] [--concurrency 4] [--timeout-ms 60000]
                 [--price-in USD_PER_1M] [--price-out USD_PER_1M] [--prompt-file FILE]
       npm run curate -- judges list --project NAME [--json]
       npm run curate -- judges run --project NAME --judge NAME [--batch ID]
${reportUsage}

An LLM judge is an OpenAI-compatible chat-completions endpoint (vLLM, Ollama, llama.cpp's server, hosted APIs)
that labels the project like an annotator of its own. The API key stays in the server's environment: --api-key-env
names the variable holding it (never the key itself). add adds a judge (the prompt is the task type's unless
--prompt-file gives a template), list lists the judges with their last run, tokens and cost, run judges the whole
corpus (or a batch's documents) not yet judged by it, and follows the run until it ends.`;

async function projectOf(name: string | undefined) {
  const client = await ApiClient.fromEnv();
  const project = await client.projectByName(required(name, '--project'));
  return { client, projectId: project.id };
}

const number = (v: string | undefined, flag: string) => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new CliError(`${flag} must be a number`, 2);
  return n;
};

async function add(argv: string[]) {
  const { values } = parseCliArgs(argv, {
    project: { type: 'string' },
    name: { type: 'string' },
    'base-url': { type: 'string' },
    model: { type: 'string' },
    'api-key-env': { type: 'string' },
    temperature: { type: 'string' },
    'max-tokens': { type: 'string' },
    concurrency: { type: 'string' },
    'timeout-ms': { type: 'string' },
    'price-in': { type: 'string' },
    'price-out': { type: 'string' },
    'prompt-file': { type: 'string' },
  });
  if (values.help) return (console.log(usage), 0);
  const { client, projectId } = await projectOf(values.project);
  const { readFileSync } = await import('node:fs');
  const { judge } = await client.request<{ judge: JudgeView }>('POST', `/api/projects/${projectId}/judges`, {
    json: {
      name: required(values.name, '--name'),
      baseUrl: required(values['base-url'], '--base-url'),
      model: required(values.model, '--model'),
      apiKeyEnv: values['api-key-env'] ?? null,
      temperature: number(values.temperature, '--temperature'),
      maxTokens: number(values['max-tokens'], '--max-tokens'),
      concurrency: number(values.concurrency, '--concurrency'),
      timeoutMs: number(values['timeout-ms'], '--timeout-ms'),
      priceInputPerMTok: number(values['price-in'], '--price-in'),
      priceOutputPerMTok: number(values['price-out'], '--price-out'),
      promptTemplate: values['prompt-file'] ? readFileSync(values['prompt-file'], 'utf8') : null,
    },
  });
  console.log(
    `judge ${judge.id} "${judge.name}": ${judge.model} at ${judge.baseUrl}${judge.keyAvailable ? '' : ` (${judge.apiKeyEnv} is not set on the server)`}`,
  );
  return 0;
}

async function list(argv: string[]) {
  const { values } = parseCliArgs(argv, { project: { type: 'string' }, json: { type: 'boolean' } });
  if (values.help) return (console.log(usage), 0);
  const { client, projectId } = await projectOf(values.project);
  const { judges } = await client.request<{ judges: JudgeView[] }>('GET', `/api/projects/${projectId}/judges`);
  if (values.json) return (console.log(JSON.stringify(judges, null, 2)), 0);
  if (!judges.length) console.log('no judges (judges add --project NAME ...)');
  for (const j of judges) {
    const run = j.lastRun
      ? `last run ${j.lastRun.id} ${j.lastRun.status} ${j.lastRun.done}/${j.lastRun.total}, ${j.lastRun.unparsed} unparsed`
      : 'never run';
    console.log(`${j.id}\t${j.name}\t${j.model}\t${run}\ttokens ${j.tokensIn} in / ${j.tokensOut} out\tcost ${j.cost.toFixed(4)}`);
  }
  return 0;
}

async function run(argv: string[]) {
  const { values } = parseCliArgs(argv, { project: { type: 'string' }, judge: { type: 'string' }, batch: { type: 'string' } });
  if (values.help) return (console.log(usage), 0);
  const { client, projectId } = await projectOf(values.project);
  const name = required(values.judge, '--judge');
  const { judges } = await client.request<{ judges: JudgeView[] }>('GET', `/api/projects/${projectId}/judges`);
  const judge = judges.find((j) => j.name === name || String(j.id) === name);
  if (!judge) throw new CliError(`no judge "${name}" in this project (judges list --project NAME)`);
  const started = await client.request<{ run: JudgeRunView }>('POST', `/api/projects/${projectId}/judges/${judge.id}/runs`, {
    json: values.batch === undefined ? {} : { batchId: number(values.batch, '--batch') },
  });
  const bar = progressBar(`judge ${judge.name}`, started.run.total);
  for (;;) {
    const { run } = await client.request<{ run: JudgeRunView }>('GET', `/api/projects/${projectId}/judges/${judge.id}/runs/${started.run.id}`);
    bar.update(run.done, `${run.done}/${run.total}, ${run.unparsed} unparsed`);
    if (run.status !== 'queued' && run.status !== 'running') {
      bar.update(run.total);
      bar.done();
      console.log(
        `run ${run.id} ${run.status}: ${run.done} documents judged, ${run.unparsed} unparsed, ${run.failed} failed; tokens ${run.tokensIn} in / ${run.tokensOut} out; cost ${run.cost.toFixed(4)}`,
      );
      for (const e of run.unparsedExamples.slice(0, 3)) console.log(`  unparsed (document ${e.documentId}): ${e.reason}`);
      if (run.status === 'failed') throw new CliError(`run ${run.id} failed: ${run.lastError}`);
      return 0;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The actions by name; J2's `report` joins them. */
export const actions: Record<string, (argv: string[]) => Promise<number>> = {
  add,
  list,
  run,
  report: (argv) => report(argv, projectOf, usage),
};

const command: CliCommand = {
  name: 'judges',
  summary: 'LLM judges of a project: add an OpenAI-compatible endpoint, list, run over the corpus or a batch, report calibration',
  usage,
  async run(argv) {
    const [action, ...rest] = argv;
    if (action === undefined || action === '--help' || action === '-h') return (console.log(command.usage), action ? 0 : 2);
    const act = actions[action];
    if (!act) throw new CliError(`unknown action "${action}" (${Object.keys(actions).join(', ')})`, 2);
    return act(rest);
  },
};

export default command;

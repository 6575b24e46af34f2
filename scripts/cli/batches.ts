import type { CliCommand } from './command.ts';
import { CliError } from './command.ts';
import { parseCliArgs, required } from './parse-args.ts';
import { ApiClient } from './api-client.ts';
import { archiveAt, deleteAt, removalOptions, removalUsage } from './removal.ts';

const usage = `Usage:
  npm run curate -- batches create --project NAME --name BATCH --size N [--redundancy K] [--gold-rate R]
                   [--stratify FIELD [--proportions a=0.5,b=0.5]] [--by-length] [--channel inhouse|crowd] [--seed S]
                   [--include-used]   (also sample documents already in a batch; by default they are skipped)
                   [--strategy uncertainty [--measure margin|entropy]]   (the documents the latest scoring classifier
                   is least sure of, spread over sources; never labeled ones or ones in an open batch)
  npm run curate -- batches list --project NAME
  npm run curate -- batches open|close --batch ID
  npm run curate -- batches aggregate --project NAME      (re-aggregate now)
${removalUsage('batches', '--batch ID')}`;

interface BatchRow {
  id: number;
  name: string;
  status: string;
  channel: string;
  redundancy: number;
  progress: { done: number; leased: number; open: number; items: number; itemsComplete: number; itemsBroken: number };
}

function samplingOf(values: { stratify?: string; proportions?: string; 'by-length'?: boolean; strategy?: string; measure?: string }) {
  if (values.strategy === 'uncertainty') return { strategy: 'uncertainty', measure: values.measure };
  if (values.strategy !== undefined && values.strategy !== 'random')
    throw new CliError(`--strategy: "${values.strategy}" is not uncertainty or random`, 2);
  const proportions = values.proportions
    ? Object.fromEntries(
        values.proportions.split(',').map((pair) => {
          const [key, share] = pair.split('=');
          if (!key || !share || Number.isNaN(Number(share))) throw new CliError(`--proportions: "${pair}" is not key=share`, 2);
          return [key, Number(share)];
        }),
      )
    : undefined;
  if (values['by-length']) return { strategy: 'length', proportions };
  if (values.stratify) return { strategy: 'stratified', field: values.stratify, proportions };
  return { strategy: 'random' };
}

const command: CliCommand = {
  name: 'batches',
  summary: 'generate, list, open, close, archive and delete batches; re-aggregate a project',
  usage,
  async run(argv) {
    const { values, positionals } = parseCliArgs(
      argv,
      {
        project: { type: 'string' },
        name: { type: 'string' },
        size: { type: 'string' },
        redundancy: { type: 'string' },
        'gold-rate': { type: 'string' },
        stratify: { type: 'string' },
        proportions: { type: 'string' },
        'by-length': { type: 'boolean' },
        strategy: { type: 'string' },
        measure: { type: 'string' },
        channel: { type: 'string' },
        seed: { type: 'string' },
        'include-used': { type: 'boolean' },
        batch: { type: 'string' },
        ...removalOptions,
      },
      1,
    );
    if (values.help) return (console.log(usage), 0);
    const action = positionals[0];
    if (!['create', 'list', 'open', 'close', 'aggregate', 'archive', 'delete'].includes(action ?? ''))
      throw new CliError(`unknown action "${action ?? ''}"; see --help`, 2);
    const client = await ApiClient.fromEnv();
    if (action === 'open' || action === 'close') {
      const { batch } = await client.request<{ batch: BatchRow }>('POST', `/api/batches/${required(values.batch, '--batch')}/${action}`);
      console.log(`batch ${batch.id} "${batch.name}" is ${batch.status}`);
      return 0;
    }
    if (action === 'archive' || action === 'delete') {
      const path = `/api/batches/${required(values.batch, '--batch')}`;
      console.log(
        `batch ${values.batch}: ${action === 'archive' ? await archiveAt(client, path, values.restore) : await deleteAt(client, path, values)}`,
      );
      return 0;
    }
    const project = await client.projectByName(required(values.project, '--project'));
    if (action === 'aggregate') {
      const result = await client.request<{ items: number }>('POST', `/api/projects/${project.id}/aggregate`);
      console.log(`aggregated ${result.items} item(s)`);
    } else if (action === 'list') {
      const { batches } = await client.request<{ batches: BatchRow[] }>('GET', `/api/projects/${project.id}/batches`);
      // broken: items withdrawn because the task type cannot show their document, neither complete nor open.
      console.log(['id', 'name', 'status', 'channel', 'k', 'items', 'complete', 'broken', 'done', 'leased', 'open'].join('\t'));
      for (const b of batches) {
        const p = b.progress;
        console.log([b.id, b.name, b.status, b.channel, b.redundancy, p.items, p.itemsComplete, p.itemsBroken, p.done, p.leased, p.open].join('\t'));
      }
    } else {
      const result = await client.request<{ batch: BatchRow; items: number; goldItems: number; slots: number; warnings: string[] }>(
        'POST',
        `/api/projects/${project.id}/batches`,
        {
          json: {
            name: required(values.name, '--name'),
            size: Number(required(values.size, '--size')),
            redundancy: values.redundancy ? Number(values.redundancy) : undefined,
            goldRate: values['gold-rate'] ? Number(values['gold-rate']) : undefined,
            channel: values.channel,
            seed: values.seed ? Number(values.seed) : undefined,
            sampling: samplingOf(values),
            excludeUsed: !values['include-used'],
          },
        },
      );
      for (const w of result.warnings) console.error(`warning: ${w}`);
      console.log(`created batch ${result.batch.id} (draft): ${result.items} item(s), ${result.goldItems} gold, ${result.slots} slot(s)`);
    }
    return 0;
  },
};
export default command;

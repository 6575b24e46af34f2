import type { CliCommand } from './command.ts';
import { CliError } from './command.ts';
import { parseCliArgs, required } from './parse-args.ts';
import { ApiClient } from './api-client.ts';

const usage = `Usage:
  npm run curate -- projects list
  npm run curate -- projects create --name NAME --task-type TYPE [--description TEXT] [--config JSON]

Task types: see GET /api/task-types (quality-rating, synthetic-review, pairwise-preference).`;

interface ProjectRow {
  id: number;
  name: string;
  taskType: string;
  counts?: { documents: number; items: number; judgments: number };
}

const command: CliCommand = {
  name: 'projects',
  summary: 'list or create projects',
  usage,
  async run(argv) {
    const { values, positionals } = parseCliArgs(
      argv,
      { name: { type: 'string' }, 'task-type': { type: 'string' }, description: { type: 'string' }, config: { type: 'string' } },
      1,
    );
    if (values.help) return (console.log(usage), 0);
    const action = positionals[0];
    if (action === 'list') {
      const client = await ApiClient.fromEnv();
      const { projects } = await client.request<{ projects: ProjectRow[] }>('GET', '/api/projects');
      console.log(['id', 'name', 'task type', 'documents', 'items', 'judgments'].join('\t'));
      for (const p of projects) console.log([p.id, p.name, p.taskType, p.counts?.documents, p.counts?.items, p.counts?.judgments].join('\t'));
      return 0;
    }
    if (action === 'create') {
      let config: unknown = {};
      if (values.config) {
        try {
          config = JSON.parse(values.config);
        } catch {
          throw new CliError('--config must be JSON', 2);
        }
      }
      const client = await ApiClient.fromEnv();
      const { project } = await client.request<{ project: ProjectRow }>('POST', '/api/projects', {
        json: { name: required(values.name, '--name'), taskType: required(values['task-type'], '--task-type'), description: values.description ?? '', config },
      });
      console.log(`created project ${project.id}: ${project.name} (${project.taskType})`);
      return 0;
    }
    throw new CliError(`unknown action "${action ?? ''}": use list or create`, 2);
  },
};
export default command;

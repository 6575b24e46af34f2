import type { CliCommand } from './command.ts';
import { CliError } from './command.ts';
import { parseCliArgs, required } from './parse-args.ts';
import { ApiClient } from './api-client.ts';
import { archiveAt, deleteAt, removalOptions, removalUsage } from './removal.ts';

const usage = `Usage:
  npm run curate -- projects list
  npm run curate -- projects create --name NAME --task-type TYPE [--description TEXT] [--config JSON]
${removalUsage('projects', '--project NAME')}

Task types: see GET /api/task-types (quality-rating, synthetic-review, pairwise-preference).`;

interface ProjectRow {
  id: number;
  name: string;
  taskType: string;
  counts?: { documents: number; items: number; judgments: number };
  archivedAt?: string | null;
}

const command: CliCommand = {
  name: 'projects',
  summary: 'list, create, archive or delete projects',
  usage,
  async run(argv) {
    const { values, positionals } = parseCliArgs(
      argv,
      {
        name: { type: 'string' },
        'task-type': { type: 'string' },
        description: { type: 'string' },
        config: { type: 'string' },
        project: { type: 'string' },
        archived: { type: 'boolean' },
        ...removalOptions,
      },
      1,
    );
    if (values.help) return (console.log(usage), 0);
    const action = positionals[0];
    if (action === 'list') {
      const client = await ApiClient.fromEnv();
      const { projects } = await client.request<{ projects: ProjectRow[] }>('GET', `/api/projects${values.archived ? '?archived=include' : ''}`);
      console.log(['id', 'name', 'task type', 'documents', 'items', 'judgments', ...(values.archived ? ['archived'] : [])].join('\t'));
      for (const p of projects) {
        console.log(
          [
            p.id,
            p.name,
            p.taskType,
            p.counts?.documents,
            p.counts?.items,
            p.counts?.judgments,
            ...(values.archived ? [p.archivedAt ? 'yes' : 'no'] : []),
          ].join('\t'),
        );
      }
      return 0;
    }
    if (action === 'archive' || action === 'delete') {
      const client = await ApiClient.fromEnv();
      const project = await client.projectByName(required(values.project, '--project'));
      const path = `/api/projects/${project.id}`;
      const outcome = action === 'archive' ? await archiveAt(client, path, values.restore) : await deleteAt(client, path, values);
      console.log(`project ${project.id} "${project.name}": ${outcome}`);
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
        json: {
          name: required(values.name, '--name'),
          taskType: required(values['task-type'], '--task-type'),
          description: values.description ?? '',
          config,
        },
      });
      console.log(`created project ${project.id}: ${project.name} (${project.taskType})`);
      return 0;
    }
    throw new CliError(`unknown action "${action ?? ''}": use list, create, archive or delete`, 2);
  },
};
export default command;

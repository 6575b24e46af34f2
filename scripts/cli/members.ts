import type { CliCommand } from './command.ts';
import { CliError } from './command.ts';
import { parseCliArgs, required } from './parse-args.ts';
import { ApiClient } from './api-client.ts';
import type { presentMember } from '../../server/presenters/projects.ts';
import { projectRoles, type ProjectRole } from '../../server/db/schema.ts';

const usage = `Usage:
  npm run curate -- members list --project NAME
  npm run curate -- members add --project NAME --email EMAIL [--role annotator|reviewer]   (also changes a role)
  npm run curate -- members remove --project NAME --email EMAIL
  npm run curate -- members open --project NAME --to-all true|false   (whether every annotator may label it)

A member's role in a project is capped by their global role: a global annotator made a reviewer member still only
labels. Admins see and do everything without being members.`;

type Member = ReturnType<typeof presentMember>;

const command: CliCommand = {
  name: 'members',
  summary: 'list, add and remove project members; open a project to all annotators',
  usage,
  async run(argv) {
    const { values, positionals } = parseCliArgs(
      argv,
      { project: { type: 'string' }, email: { type: 'string' }, role: { type: 'string' }, 'to-all': { type: 'string' } },
      true,
    );
    if (values.help) return (console.log(usage), 0);
    const action = positionals[0];
    if (!['list', 'add', 'remove', 'open'].includes(action ?? ''))
      throw new CliError(`unknown action "${action ?? ''}": use list, add, remove or open`, 2);
    const client = await ApiClient.fromEnv();
    const project = await client.projectByName(required(values.project, '--project'));
    const base = `/api/projects/${project.id}/members`;
    if (action === 'list') {
      const { openToAll, members } = await client.request<{ openToAll: boolean; members: Member[] }>('GET', base);
      console.log(`${project.name}: ${openToAll ? 'open to all annotators' : 'members only'}`);
      console.log(['email', 'name', 'project role', 'global role', 'status'].join('\t'));
      for (const m of members) console.log([m.email, m.name, m.role, m.globalRole, m.disabled ? 'disabled' : 'active'].join('\t'));
    } else if (action === 'add') {
      const role = values.role ?? 'annotator';
      if (!(projectRoles as readonly string[]).includes(role)) throw new CliError(`--role must be one of ${projectRoles.join(', ')}`, 2);
      const { member } = await client.request<{ member: Member }>('POST', base, {
        json: { email: required(values.email, '--email'), role: role as ProjectRole },
      });
      console.log(
        `${member.email} is now ${member.role} of ${project.name}${member.globalRole === 'annotator' && member.role === 'reviewer' ? ' (labels only: their global role is annotator)' : ''}`,
      );
    } else if (action === 'remove') {
      const email = required(values.email, '--email').toLowerCase();
      const { members } = await client.request<{ members: Member[] }>('GET', base);
      const member = members.find((m) => m.email === email);
      if (!member) throw new CliError(`${email} is not a member of ${project.name}`);
      await client.request('DELETE', `${base}/${member.userId}`);
      console.log(`removed ${member.email} from ${project.name}`);
    } else {
      const toAll = required(values['to-all'], '--to-all');
      if (toAll !== 'true' && toAll !== 'false') throw new CliError('--to-all must be true or false', 2);
      await client.request('PATCH', `/api/projects/${project.id}`, { json: { openToAll: toAll === 'true' } });
      console.log(`${project.name} is now ${toAll === 'true' ? 'open to all annotators' : 'for members only'}`);
    }
    return 0;
  },
};
export default command;

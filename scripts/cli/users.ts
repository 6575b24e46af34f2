import type { CliCommand } from './command.ts';
import { CliError } from './command.ts';
import { parseCliArgs, required } from './parse-args.ts';
import { ApiClient } from './api-client.ts';

const usage = `Usage:
  npm run curate -- users list
  npm run curate -- users create --email EMAIL --name NAME --password PASSWORD [--role annotator|reviewer|admin]
  npm run curate -- users set --email EMAIL [--role ROLE] [--disabled true|false]
  npm run curate -- users token --name NAME     (creates an API token for the signed-in user; shown once)`;

interface UserRow {
  id: number;
  email: string;
  name: string;
  role: string;
  disabled: boolean;
}

const command: CliCommand = {
  name: 'users',
  summary: 'list, create and change users; create API tokens',
  usage,
  async run(argv) {
    const { values, positionals } = parseCliArgs(
      argv,
      { email: { type: 'string' }, name: { type: 'string' }, password: { type: 'string' }, role: { type: 'string' }, disabled: { type: 'string' } },
      1,
    );
    if (values.help) return (console.log(usage), 0);
    const action = positionals[0];
    if (!['list', 'create', 'set', 'token'].includes(action ?? ''))
      throw new CliError(`unknown action "${action ?? ''}": use list, create, set or token`, 2);
    const client = await ApiClient.fromEnv();
    if (action === 'list') {
      const { users } = await client.request<{ users: UserRow[] }>('GET', '/api/users');
      for (const u of users) console.log([u.id, u.email, u.name, u.role, u.disabled ? 'disabled' : 'active'].join('\t'));
    } else if (action === 'create') {
      const { user } = await client.request<{ user: UserRow }>('POST', '/api/users', {
        json: {
          email: required(values.email, '--email'),
          name: required(values.name, '--name'),
          password: required(values.password, '--password'),
          role: values.role ?? 'annotator',
        },
      });
      console.log(`created user ${user.id}: ${user.email} (${user.role})`);
    } else if (action === 'set') {
      const email = required(values.email, '--email').toLowerCase();
      const { users } = await client.request<{ users: UserRow[] }>('GET', '/api/users');
      const target = users.find((u) => u.email === email);
      if (!target) throw new CliError(`no user with email ${email}`);
      const changes: Record<string, unknown> = {};
      if (values.role) changes.role = values.role;
      if (values.disabled) changes.disabled = values.disabled === 'true';
      const { user } = await client.request<{ user: UserRow }>('PATCH', `/api/users/${target.id}`, { json: changes });
      console.log(`updated ${user.email}: ${user.role}, ${user.disabled ? 'disabled' : 'active'}`);
    } else {
      const { secret } = await client.request<{ secret: string }>('POST', '/api/tokens', { json: { name: required(values.name, '--name') } });
      console.log(secret);
      console.error('Store this token now: it is not shown again. Use it as CURATE_TOKEN.');
    }
    return 0;
  },
};
export default command;

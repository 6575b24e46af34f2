import { countUsers } from '../db/queries/users.ts';
import { generatePassword } from '../auth/password.ts';
import { createUser } from './manage-users.ts';
import type { CommandContext } from './run-command.ts';

/**
 * First run only: creates the admin account. The password comes from configuration or is generated and returned
 * once, to be printed; it is never stored in clear.
 * @returns the credentials when an account was created, else null.
 */
export async function ensureAdmin(ctx: CommandContext, options: { email: string; password?: string }) {
  if ((await countUsers(ctx.store.db)) > 0) return null;
  const password = options.password ?? generatePassword();
  const user = await createUser(ctx, { actorId: null, email: options.email, name: 'Admin', password, role: 'admin' });
  return { user, password, generated: !options.password };
}

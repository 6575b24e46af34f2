import type { Role, User } from '../db/schema.ts';
import { countActiveAdmins, findUserByEmail, findUserById, insertUser, updateUser } from '../db/queries/users.ts';
import { deleteSessionsOfUser } from '../db/queries/sessions.ts';
import { appendAudit } from '../db/queries/audit.ts';
import { conflict, notFound } from '../errors.ts';
import { hashPassword } from '../auth/password.ts';
import { runCommand, type CommandContext } from './run-command.ts';

export interface CreateUserProps {
  /** The admin creating the account (null for the first-run bootstrap). */
  actorId: number | null;
  email: string;
  name: string;
  password: string;
  role: Role;
}

/** Creates an account; emails are unique regardless of case. */
export async function createUser(ctx: CommandContext, props: CreateUserProps): Promise<User> {
  // Hashing is slow by design: done before the transaction, so it holds no connection meanwhile.
  const passwordHash = await hashPassword(props.password);
  return runCommand(ctx, async (tx) => {
    if (await findUserByEmail(tx, props.email)) throw conflict(`A user with email ${props.email} already exists`);
    const user = await insertUser(tx, { email: props.email, name: props.name, role: props.role, passwordHash });
    await appendAudit(tx, { actorId: props.actorId, action: 'user.create', target: `user:${user.id}`, details: { role: user.role } });
    return user;
  });
}

export interface UpdateUserProps {
  actorId: number;
  userId: number;
  changes: Partial<{ role: Role; disabled: boolean; name: string; password: string }>;
}

/**
 * Changes a user's role, name, password or disabled flag. The last enabled admin cannot be demoted or disabled,
 * so the platform never locks itself out; disabling a user ends their sessions at once, and a disabled user's or
 * a new role's open sockets are disconnected, so none keeps hearing what its old role heard.
 */
export async function updateUserAccount(ctx: CommandContext, props: UpdateUserProps): Promise<User> {
  const { password, ...rest } = props.changes;
  const passwordHash = password ? await hashPassword(password) : undefined;
  return runCommand(ctx, async (tx, emit) => {
    const user = await findUserById(tx, props.userId);
    if (!user) throw notFound('User');
    const losesAdmin = user.role === 'admin' && !user.disabled && ((rest.role && rest.role !== 'admin') || rest.disabled === true);
    if (losesAdmin && (await countActiveAdmins(tx)) <= 1) throw conflict('The last enabled admin cannot be demoted or disabled');
    const updated = await updateUser(tx, user.id, { ...rest, ...(passwordHash ? { passwordHash } : {}) });
    if (rest.disabled) await deleteSessionsOfUser(tx, user.id);
    await appendAudit(tx, {
      actorId: props.actorId,
      action: 'user.update',
      target: `user:${user.id}`,
      details: { ...rest, password: password ? 'changed' : undefined },
    });
    if (updated.disabled !== user.disabled || updated.role !== user.role) emit({ name: 'user:access-changed', payload: { userId: user.id } });
    return updated;
  });
}

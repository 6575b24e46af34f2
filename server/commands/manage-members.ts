import { runCommand, type CommandContext } from './run-command.ts';
import type { ProjectRole } from '../db/schema.ts';
import { findProject } from '../db/queries/projects.ts';
import { findUserByEmail } from '../db/queries/users.ts';
import { deleteMember, findMember, upsertMember } from '../db/queries/members.ts';
import { appendAudit } from '../db/queries/audit.ts';
import { notFound } from '../errors.ts';

export interface AddMemberProps {
  /** The admin making the change. */
  actorId: number;
  projectId: number;
  /** The account to add, by email (any case). */
  email: string;
  /** Its role in the project; capped by the account's global role (see auth/policies.ts). */
  role: ProjectRole;
}

/**
 * Adds a user to a project, or changes the role of one already in it; the membership and its audit entry commit
 * together. Resolves with the member as listed and whether the membership is new. A changed role drops the user's
 * open sockets, so the rooms they may watch are decided afresh.
 */
export async function addProjectMember(ctx: CommandContext, props: AddMemberProps) {
  return runCommand(ctx, async (tx, emit) => {
    if (!(await findProject(tx, props.projectId))) throw notFound('Project');
    const user = await findUserByEmail(tx, props.email);
    if (!user) throw notFound(`User with email ${props.email}`);
    const previous = await findMember(tx, props.projectId, user.id);
    const row = await upsertMember(tx, { projectId: props.projectId, userId: user.id, role: props.role });
    if (previous && previous.role !== row.role) emit({ name: 'user:access-changed', payload: { userId: user.id } });
    await appendAudit(tx, {
      actorId: props.actorId,
      action: previous ? 'member.update' : 'member.add',
      target: `project:${props.projectId}`,
      details: { userId: user.id, role: props.role, ...(previous ? { previousRole: previous.role } : {}) },
    });
    const member = {
      userId: user.id,
      email: user.email,
      name: user.name,
      globalRole: user.role,
      disabled: user.disabled,
      role: row.role,
      createdAt: row.createdAt,
    };
    return { member, created: !previous };
  });
}

/**
 * Removes a user from a project (404 when they were not a member), with its audit entry in the same transaction;
 * their open sockets are dropped, so they stop hearing of the project at once.
 */
export async function removeProjectMember(ctx: CommandContext, props: { actorId: number; projectId: number; userId: number }) {
  return runCommand(ctx, async (tx, emit) => {
    const removed = await deleteMember(tx, props.projectId, props.userId);
    if (!removed) throw notFound('Member');
    emit({ name: 'user:access-changed', payload: { userId: props.userId } });
    await appendAudit(tx, {
      actorId: props.actorId,
      action: 'member.remove',
      target: `project:${props.projectId}`,
      details: { userId: props.userId, role: removed.role },
    });
    return removed;
  });
}

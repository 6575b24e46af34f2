import { and, asc, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { batches, items, projectMembers, projects, slots, users, type ProjectRole } from '../schema.ts';
import type { Tx } from '../store.ts';

/** The kinds of thing a route can address that belong to exactly one project. */
export type ProjectScope = 'project' | 'batch' | 'item' | 'slot';

/** The id of the project owning the addressed thing, as a subquery. */
function projectIdOf(db: Tx, scope: ProjectScope, id: number) {
  switch (scope) {
    case 'project':
      return db.select({ id: projects.id }).from(projects).where(eq(projects.id, id));
    case 'batch':
      return db.select({ id: batches.projectId }).from(batches).where(eq(batches.id, id));
    case 'item':
      return db.select({ id: items.projectId }).from(items).where(eq(items.id, id));
    case 'slot':
      return db.select({ id: batches.projectId }).from(slots).innerJoin(batches, eq(batches.id, slots.batchId)).where(eq(slots.id, id));
  }
}

/**
 * The project a project, batch, item or slot belongs to, with what decides the user's standing in it (open to all,
 * their membership role) and the project's row; undefined when the thing does not exist.
 */
export async function projectAccessOf(db: Tx, scope: ProjectScope, id: number, userId: number) {
  const [row] = await db
    .select({ project: projects, memberRole: projectMembers.role })
    .from(projects)
    .leftJoin(projectMembers, and(eq(projectMembers.projectId, projects.id), eq(projectMembers.userId, userId)))
    .where(inArray(projects.id, projectIdOf(db, scope, id)));
  if (!row) return undefined;
  const { project, memberRole } = row;
  return { projectId: project.id, openToAll: project.openToAll, memberRole, archived: project.archivedAt !== null, project };
}

/** A condition on `projects` that holds for the projects a non-admin user may see: live, and open to all or a member of. */
export function visibleToMember(userId: number): SQL {
  return and(
    isNull(projects.archivedAt),
    or(
      eq(projects.openToAll, true),
      sql`exists (select 1 from ${projectMembers} where ${projectMembers.projectId} = ${projects.id} and ${projectMembers.userId} = ${userId})`,
    ),
  )!;
}

/** A project's members with their accounts, by email. */
export function listMembers(db: Tx, projectId: number) {
  return db
    .select({
      userId: projectMembers.userId,
      email: users.email,
      name: users.name,
      globalRole: users.role,
      disabled: users.disabled,
      role: projectMembers.role,
      createdAt: projectMembers.createdAt,
    })
    .from(projectMembers)
    .innerJoin(users, eq(users.id, projectMembers.userId))
    .where(eq(projectMembers.projectId, projectId))
    .orderBy(asc(users.email));
}

/** One membership, or undefined. */
export async function findMember(db: Tx, projectId: number, userId: number) {
  const [row] = await db
    .select()
    .from(projectMembers)
    .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.userId, userId)));
  return row;
}

/** Adds a member, or changes the role of one already there. */
export async function upsertMember(db: Tx, values: { projectId: number; userId: number; role: ProjectRole }) {
  const [row] = await db
    .insert(projectMembers)
    .values(values)
    .onConflictDoUpdate({ target: [projectMembers.projectId, projectMembers.userId], set: { role: values.role } })
    .returning();
  return row;
}

/** Removes a membership; returns it, or undefined when there was none. */
export async function deleteMember(db: Tx, projectId: number, userId: number) {
  const [row] = await db
    .delete(projectMembers)
    .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.userId, userId)))
    .returning();
  return row;
}

/** Who may label a project besides admins: everyone when it is open to all, else its members (undefined: no project). */
export async function labelersOf(db: Tx, projectId: number) {
  const [project] = await db.select({ openToAll: projects.openToAll }).from(projects).where(eq(projects.id, projectId));
  if (!project) return undefined;
  if (project.openToAll) return { openToAll: true as const, memberIds: [] };
  const members = await db.select({ userId: projectMembers.userId }).from(projectMembers).where(eq(projectMembers.projectId, projectId));
  return { openToAll: false as const, memberIds: members.map((m) => Number(m.userId)) };
}

/**
 * Who may do what, in one place. Routes declare an ability (`endpoint(ability, …)`); a route addressing one project
 * is also checked against the caller's standing in that project (`can(user, ability, access)`); the client receives
 * `presentAbilities(user)` so it hides what a role may not do.
 *
 * In a project, a user's effective role is the lesser of their global role and their membership role: a global
 * reviewer who joined a project as annotator labels it but does not review it, and a global annotator made a
 * reviewer member still only labels. Admins hold every ability in every project. A project open to all lets every
 * signed-in user label it (as annotator), members or not. An archived project is seen by admins only.
 */
import type { ProjectRole, Role, User } from '../db/schema.ts';

const ALL: readonly Role[] = ['admin', 'reviewer', 'annotator'];
const STAFF: readonly Role[] = ['admin', 'reviewer'];
const ADMIN: readonly Role[] = ['admin'];

const rules = {
  /** Create, disable and change the role of users. */
  'users.manage': ADMIN,
  /** Create projects and change their settings and members. */
  'projects.manage': ADMIN,
  /** See projects (annotators see those they may label). */
  'projects.read': ALL,
  /** Browse and search corpus documents. */
  'documents.read': STAFF,
  /** Import corpus files. */
  'imports.create': ADMIN,
  /** Generate and open batches. */
  'batches.manage': ADMIN,
  /** Archive and restore projects and batches; delete them and documents not in a batch. */
  'data.remove': ADMIN,
  /** Lease and submit tasks. */
  annotate: ALL,
  /** Review queue, adjudication, gold answers. */
  review: STAFF,
  /** Quality dashboards, agreement, annotator reliability. */
  'quality.read': STAFF,
  /** Export labeled sets and filter lists. */
  export: ADMIN,
  /** Publish to crowd channels, review and pay crowd work. */
  'crowd.manage': ADMIN,
  /** Create and revoke one's own API tokens. */
  'tokens.own': ALL,
} as const satisfies Record<string, readonly Role[]>;

export type Ability = keyof typeof rules;

/** What decides a user's standing in one project: whether it is open to all, and their membership if any. */
export interface ProjectAccess {
  openToAll: boolean;
  /** The caller's membership role in the project, or null for a non-member. */
  memberRole: ProjectRole | null;
  /** An archived project is hidden from everyone but admins, members or not. */
  archived: boolean;
}

type Caller = Pick<User, 'role' | 'disabled'>;

/** Roles from least to most trusted, so "the lesser of two roles" is a comparison. */
const rank: Record<Role, number> = { annotator: 0, reviewer: 1, admin: 2 };

/** The caller's role in a project, or null when the project is hidden from them. */
export function effectiveRole(user: Caller | undefined, access: ProjectAccess): Role | null {
  if (!user || user.disabled) return null;
  if (user.role === 'admin') return 'admin';
  if (access.archived) return null;
  if (access.memberRole) return rank[access.memberRole] < rank[user.role] ? access.memberRole : user.role;
  return access.openToAll ? 'annotator' : null;
}

/** Whether the caller may see the project at all (a hidden project answers 404, as a missing one does). */
export function canSee(user: Caller | undefined, access: ProjectAccess): boolean {
  return effectiveRole(user, access) !== null;
}

/**
 * Whether an enabled user holds the ability: by global role alone, or, given a project's access, by their
 * effective role in that project.
 */
export function can(user: Caller | undefined, ability: Ability, access?: ProjectAccess): boolean {
  if (!user || user.disabled) return false;
  const role = access ? effectiveRole(user, access) : user.role;
  return role !== null && (rules[ability] as readonly Role[]).includes(role);
}

/** Every ability with whether the user holds it (in the project, given its access), for the client. */
export function presentAbilities(user: Caller | undefined, access?: ProjectAccess): Record<Ability, boolean> {
  return Object.fromEntries(Object.keys(rules).map((a) => [a, can(user, a as Ability, access)])) as Record<Ability, boolean>;
}

/** The abilities that exist (for tests that walk the role matrix). */
export const abilities = Object.keys(rules) as Ability[];

/**
 * Who may do what, in one place. Routes ask `can(user, ability)`; the client receives `presentAbilities(user)`
 * so it hides what a role may not do.
 */
import type { Role, User } from '../db/schema.ts';

const ALL: readonly Role[] = ['admin', 'reviewer', 'annotator'];
const STAFF: readonly Role[] = ['admin', 'reviewer'];
const ADMIN: readonly Role[] = ['admin'];

const rules = {
  /** Create, disable and change the role of users. */
  'users.manage': ADMIN,
  /** Create projects and change their settings. */
  'projects.manage': ADMIN,
  /** See projects (annotators see those they may label). */
  'projects.read': ALL,
  /** Browse and search corpus documents. */
  'documents.read': STAFF,
  /** Import corpus files. */
  'imports.create': ADMIN,
  /** Generate and open batches. */
  'batches.manage': ADMIN,
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

/** Whether an enabled user of this role holds the ability. */
export function can(user: Pick<User, 'role' | 'disabled'> | undefined, ability: Ability): boolean {
  return !!user && !user.disabled && (rules[ability] as readonly Role[]).includes(user.role);
}

/** Every ability with whether the user holds it, for the client. */
export function presentAbilities(user: Pick<User, 'role' | 'disabled'> | undefined): Record<Ability, boolean> {
  return Object.fromEntries(Object.keys(rules).map((a) => [a, can(user, a as Ability)])) as Record<Ability, boolean>;
}

/** The abilities that exist (for tests that walk the role matrix). */
export const abilities = Object.keys(rules) as Ability[];

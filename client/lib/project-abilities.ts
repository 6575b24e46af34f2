import type { Ability, Session } from './types.ts';

/**
 * What the caller may do in one project, as GET /projects/:id reports it (null until that has answered). A global
 * role says what someone may do at all; here it may be less: a global reviewer who joined as annotator only labels.
 */
export type ProjectAbilities = Session['abilities'] | null;

/** Whether the caller holds the ability in the project; nothing is offered while its abilities are unknown. */
export function holds(abilities: ProjectAbilities, ability: Ability): boolean {
  return !!abilities?.[ability];
}

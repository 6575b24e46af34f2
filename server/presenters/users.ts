import type { User } from '../db/schema.ts';
import type { apiTokens } from '../db/schema.ts';
import { presentAbilities } from '../auth/policies.ts';

/** A user as clients see them: never the password hash. */
export function presentUser(user: User) {
  return { id: user.id, email: user.email, name: user.name, role: user.role, disabled: user.disabled, createdAt: user.createdAt };
}

/** The caller's session: who they are, what they may do, and the CSRF token for cookie requests. */
export function presentSession(user: User | undefined, csrfToken: string) {
  return { user: user ? presentUser(user) : null, abilities: presentAbilities(user), csrfToken };
}

/** An API token's public facts; the secret appears only once, at creation. */
export function presentApiToken(token: typeof apiTokens.$inferSelect) {
  return {
    id: token.id,
    name: token.name,
    prefix: token.prefix,
    createdAt: token.createdAt,
    lastUsedAt: token.lastUsedAt,
    revokedAt: token.revokedAt,
  };
}

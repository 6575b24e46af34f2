import { api, setCsrfToken } from './api.ts';
import type { Ability, Session } from './types.ts';

/** Who is signed in and what they may do; the UI reads abilities from here to hide what a role may not do. */
class SessionState {
  current = $state<Session | null>(null);
  user = $derived(this.current?.user ?? null);

  /** Loads the session (and a CSRF token) from the server. */
  async load(): Promise<void> {
    this.#set(await api.session());
  }

  async login(email: string, password: string): Promise<void> {
    this.#set(await api.login(email, password));
  }

  async logout(): Promise<void> {
    await api.logout();
    await this.load();
  }

  can(ability: Ability): boolean {
    return this.current?.abilities[ability] ?? false;
  }

  #set(session: Session): void {
    setCsrfToken(session.csrfToken);
    this.current = session;
  }
}

/** The app's session. */
export const session = new SessionState();

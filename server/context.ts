import type { Config } from './config.ts';
import type { Store } from './db/store.ts';
import type { DomainEvents } from './events.ts';

/** What every route and job needs: the configuration, the store and the domain event bus. */
export interface AppContext {
  config: Config;
  store: Store;
  events: DomainEvents;
}

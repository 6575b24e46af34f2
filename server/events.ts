import type { ClientEventMap } from './realtime/client-events.ts';
import { describeForLog } from './describe-error.ts';

/** Who receives a client event: a project's watchers, one user, or every annotator. */
export interface Audience {
  projectId?: number;
  userId?: number;
  annotators?: boolean;
}

/** Events that stay on the server: processors react to them (progress, re-aggregation). */
export interface InternalEventMap {
  /** A judgment was committed, withdrawn or reviewed. */
  'judgments:changed': { projectId: number; batchId: number | null; itemId: number };
  /** Annotators took new leases in these batches (renewals of held leases are not news). */
  'slots:leased': { projectId: number; batchIds: number[] };
  /** A user was disabled, changed role or lost sessions or tokens: their open sockets must authenticate again. */
  'user:access-changed': { userId: number };
}

type ClientEvent = { [K in keyof ClientEventMap]: { name: K; payload: ClientEventMap[K]; to: Audience } }[keyof ClientEventMap];
type InternalEvent = { [K in keyof InternalEventMap]: { name: K; payload: InternalEventMap[K]; to?: undefined } }[keyof InternalEventMap];

/** Everything a command can announce. */
export type DomainEvent = ClientEvent | InternalEvent;

/**
 * Commands announce what they committed here (through `runCommand`, which publishes after commit); processors
 * (Socket.IO, progress, re-aggregation) react. A subscriber that throws is logged and skipped: the command it
 * reacts to has already committed, so its caller must still hear that it succeeded.
 */
export class DomainEvents {
  private readonly listeners = new Set<(event: DomainEvent) => void>();

  /** Announces an event to every subscriber. */
  publish(event: DomainEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        console.error(`a subscriber to ${event.name} failed: ${describeForLog(error)}`);
      }
    }
  }

  /** Subscribes; returns the unsubscribe function. */
  subscribe(listener: (event: DomainEvent) => void): () => void {
    const own = (event: DomainEvent) => listener(event);
    this.listeners.add(own);
    return () => void this.listeners.delete(own);
  }
}

import { EventEmitter } from 'node:events';
import type { ClientEventMap } from './realtime/client-events.ts';

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
}

type ClientEvent = { [K in keyof ClientEventMap]: { name: K; payload: ClientEventMap[K]; to: Audience } }[keyof ClientEventMap];
type InternalEvent = { [K in keyof InternalEventMap]: { name: K; payload: InternalEventMap[K]; to?: undefined } }[keyof InternalEventMap];

/** Everything a command can announce. */
export type DomainEvent = ClientEvent | InternalEvent;

/**
 * Commands announce what they committed here; processors (Socket.IO, progress, re-aggregation) react. Publishing
 * after commit keeps clients from ever seeing work that was rolled back.
 */
export class DomainEvents {
  private readonly emitter = new EventEmitter().setMaxListeners(50);

  /** Announces an event to every subscriber. */
  publish(event: DomainEvent): void {
    this.emitter.emit('event', event);
  }

  /** Subscribes; returns the unsubscribe function. */
  subscribe(listener: (event: DomainEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
}

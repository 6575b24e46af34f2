import type { AppContext } from '../context.ts';
import type { Tx } from '../db/store.ts';
import type { DomainEvent } from '../events.ts';

/** What a command needs: the store it writes in and the bus it announces on. */
export type CommandContext = Pick<AppContext, 'store' | 'events'>;

/** Queues a domain event; it is published only once the command's transaction has committed. */
export type Emit = (event: DomainEvent) => void;

/**
 * The one shape of a command: `body` runs in one transaction, so its rows and their audit entry commit together,
 * and the events it emits are published after that commit. A throw rolls everything back and publishes nothing,
 * so no client or processor ever hears of work that did not happen.
 *
 * ```ts
 * export function closeBatch(ctx: CommandContext, props: { actorId: number; batchId: number }) {
 *   return runCommand(ctx, async (tx, emit) => {
 *     const batch = await setBatchStatus(tx, props.batchId, 'closed');
 *     await appendAudit(tx, { actorId: props.actorId, action: 'batch.closed', target: `batch:${batch.id}` });
 *     emit({ name: 'judgments:changed', payload: { ... } });
 *     return batch;
 *   });
 * }
 * ```
 */
export async function runCommand<T>(ctx: CommandContext, body: (tx: Tx, emit: Emit) => Promise<T>): Promise<T> {
  const events: DomainEvent[] = [];
  const result = await ctx.store.db.transaction((tx) => body(tx, (event) => void events.push(event)));
  for (const event of events) ctx.events.publish(event);
  return result;
}

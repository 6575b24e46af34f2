import { tryDocumentPayload } from './document-payload.ts';
import type { Tx } from '../db/store.ts';
import type { AppContext } from '../context.ts';
import type { DocumentRow, Project, User } from '../db/schema.ts';
import { leaseNextSlot, releaseLease, renewHeldLeases, type LeaseRow } from '../db/queries/leases.ts';
import { documentsByIds, insertFlag, markItemBroken } from '../db/queries/items.ts';
import { runCommand } from './run-command.ts';
import { workerKeyOfUser } from './worker-key.ts';

/** Default lease: long enough to read a long document, short enough that abandoned work returns soon. */
export const LEASE_TTL_SECONDS = 10 * 60;
const MAX_RACE_RETRIES = 5;

export interface LeaseTasksProps {
  project: Project;
  user: User;
  /** How many tasks to answer with. */
  count: number;
  /**
   * Slots the client has already (in its queue, or answered with the answer still on its way): renewed if held but
   * not sent again, so they never crowd new tasks out of the answer.
   */
  known?: ReadonlySet<number>;
  ttlSeconds?: number;
}

/** A leased slot with its document and the payload the project's task type built from it. */
export interface Task {
  slotId: number;
  itemId: number;
  batchId: number;
  leaseExpiresAt: Date;
  swapped: boolean;
  document: DocumentRow;
  payload: unknown;
  isGold: boolean;
}

/**
 * Gives the annotator up to `count` tasks: the leases they already hold and the client does not know of first
 * (all held ones are renewed), then new ones; `held` lists every slot they hold afterwards. Each
 * task carries the payload built by the project's task type from the document; whether it is gold is not said.
 * A lease whose document the task type cannot show is set aside (see {@link withdrawBrokenItem}) and the next
 * task is served in its place.
 */
export async function leaseTasks(ctx: AppContext, props: LeaseTasksProps) {
  const { db } = ctx.store;
  const ttl = props.ttlSeconds ?? LEASE_TTL_SECONDS;
  const workerKey = workerKeyOfUser(props.user.id);
  const renewed = await renewHeldLeases(db, props.project.id, props.user.id, ttl);
  const unknown = renewed.filter((lease) => !props.known?.has(Number(lease.slot_id))).slice(0, props.count);
  const tasks = await usableTasks(ctx, props.project, props.user, unknown);
  const held = new Set(renewed.filter((lease) => props.known?.has(Number(lease.slot_id))).map((lease) => Number(lease.slot_id)));
  let retries = 0;
  while (tasks.length < props.count) {
    let lease: LeaseRow | undefined;
    try {
      // Each lease is one statement that commits on its own, so a lost race is retried afresh and a slot is never held
      // longer than needed. No transaction is opened around it (runCommand's BEGIN and COMMIT would double the round
      // trips of the lease): the statement has committed when it returns, so the event still follows the commit.
      lease = await leaseNextSlot(db, props.project.id, props.user.id, workerKey, ttl);
      if (lease) ctx.events.publish({ name: 'slots:leased', payload: { projectId: props.project.id, batchIds: [Number(lease.batch_id)] } });
    } catch (error) {
      // A concurrent lease of the same annotator won the (item, holder) unique index: look again.
      if (isUniqueViolation(error) && ++retries <= MAX_RACE_RETRIES) continue;
      throw error;
    }
    if (!lease) break;
    tasks.push(...(await usableTasks(ctx, props.project, props.user, [lease])));
  }
  for (const task of tasks) held.add(task.slotId);
  return { tasks, held: [...held] };
}

/**
 * The tasks of some leases, leaving out those whose document the task type cannot show: those are withdrawn, since
 * serving one would fail every later lease call of its holder (issue 12, finding 4).
 */
async function usableTasks(ctx: AppContext, project: Project, user: User, leases: LeaseRow[]): Promise<Task[]> {
  const tasks: Task[] = [];
  for (const built of await buildTasks(ctx.store.db, project, leases)) {
    if ('problem' in built) await withdrawBrokenItem(ctx, user, built.lease, built.document, built.problem);
    else tasks.push(built);
  }
  return tasks;
}

/**
 * Sets aside an item whose document the project's task type cannot show (a field missing from the document or from
 * the field mapping): the lease is released, the item leaves serving as 'broken' and a 'broken' flag naming the
 * problem puts it in front of staff in the review queue. Only the first discovery records the flag.
 */
async function withdrawBrokenItem(ctx: AppContext, user: User, lease: LeaseRow, document: DocumentRow, problem: string) {
  await runCommand(ctx, async (tx) => {
    await releaseLease(tx, Number(lease.slot_id), user.id);
    if (await markItemBroken(tx, Number(lease.item_id))) {
      await insertFlag(tx, {
        itemId: Number(lease.item_id),
        documentId: document.id,
        userId: null,
        reason: 'broken',
        note: `Cannot be shown: ${problem}`,
      });
    }
  });
}

/** Turns lease rows into tasks with their payloads, or, for a document the task type cannot show, the reason. */
export async function buildTasks(db: Tx, project: Project, leases: LeaseRow[]) {
  const docs = new Map(
    (
      await documentsByIds(
        db,
        leases.map((l) => Number(l.document_id)),
      )
    ).map((d) => [d.id, d]),
  );
  return leases.map((lease): Task | { lease: LeaseRow; document: DocumentRow; problem: string } => {
    const document = docs.get(Number(lease.document_id))!;
    const built = tryDocumentPayload(project, document);
    if ('problem' in built) return { lease, document, problem: built.problem };
    return {
      slotId: Number(lease.slot_id),
      itemId: Number(lease.item_id),
      batchId: Number(lease.batch_id),
      leaseExpiresAt: new Date(lease.lease_expires_at),
      swapped: lease.swapped,
      document,
      payload: built.payload,
      isGold: lease.is_gold,
    };
  });
}

/** Whether a database error is a unique-constraint violation (either driver). */
export function isUniqueViolation(error: unknown): boolean {
  let e = error as { code?: string; cause?: unknown } | undefined;
  while (e) {
    if (e.code === '23505') return true;
    e = e.cause as typeof e;
  }
  return false;
}

import { documentPayload } from './document-payload.ts';
import type { Db } from '../db/store.ts';
import type { AppContext } from '../context.ts';
import type { Project, User } from '../db/schema.ts';
import { leaseNextSlot, renewHeldLeases, type LeaseRow } from '../db/queries/leases.ts';
import { documentsByIds } from '../db/queries/items.ts';
import { workerKeyOfUser } from './worker-key.ts';

/** Default lease: long enough to read a long document, short enough that abandoned work returns soon. */
export const LEASE_TTL_SECONDS = 10 * 60;
const MAX_RACE_RETRIES = 5;

export interface LeaseTasksProps {
  project: Project;
  user: User;
  /** How many tasks the client wants to hold (the one on screen plus prefetch). */
  count: number;
  ttlSeconds?: number;
}

/**
 * Gives the annotator up to `count` tasks: the leases they already hold first (renewed), then new ones. Each
 * task carries the payload built by the project's task type from the document; whether it is gold is not said.
 */
export async function leaseTasks(ctx: AppContext, props: LeaseTasksProps) {
  const { db } = ctx.store;
  const ttl = props.ttlSeconds ?? LEASE_TTL_SECONDS;
  const workerKey = workerKeyOfUser(props.user.id);
  const leases: LeaseRow[] = (await renewHeldLeases(db, props.project.id, props.user.id, ttl)).slice(0, props.count);
  const held = leases.length;
  let retries = 0;
  while (leases.length < props.count) {
    let lease: LeaseRow | undefined;
    try {
      lease = await leaseNextSlot(db, props.project.id, props.user.id, workerKey, ttl);
    } catch (error) {
      // A concurrent lease of the same annotator won the (item, holder) unique index: look again.
      if (isUniqueViolation(error) && ++retries <= MAX_RACE_RETRIES) continue;
      throw error;
    }
    if (!lease) break;
    leases.push(lease);
  }
  if (leases.length > held) {
    const batchIds = [...new Set(leases.slice(held).map((l) => Number(l.batch_id)))];
    ctx.events.publish({ name: 'slots:leased', payload: { projectId: props.project.id, batchIds } });
  }
  return buildTasks(db, props.project, leases);
}

/** Turns lease rows into tasks with their payloads. */
export async function buildTasks(db: Db, project: Project, leases: LeaseRow[]) {
  const docs = new Map((await documentsByIds(db, leases.map((l) => Number(l.document_id)))).map((d) => [d.id, d]));
  return leases.map((lease) => {
    const doc = docs.get(Number(lease.document_id))!;
    return {
      slotId: Number(lease.slot_id),
      itemId: Number(lease.item_id),
      batchId: Number(lease.batch_id),
      leaseExpiresAt: new Date(lease.lease_expires_at),
      swapped: lease.swapped,
      document: doc,
      payload: documentPayload(project, doc),
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

import type { AppContext } from '../context.ts';
import type { AnyCrowdChannel as CrowdChannel } from '../crowd/channel.ts';
import { findBatch } from '../db/queries/batches.ts';
import { findProject } from '../db/queries/projects.ts';
import { findCrowdAssignment, findHit, listHits, recordDecision, setHitStatus, setWorkerBlocked } from '../db/queries/crowd.ts';
import { appendAudit } from '../db/queries/audit.ts';
import { conflict, notFound } from '../errors.ts';
import { applyDecision } from './sync-crowd.ts';
import { runCommand } from './run-command.ts';

/**
 * Ends every published HIT of a batch now; work already submitted still syncs and is reviewed. The channel is told
 * first, outside any transaction (an external call must not hold one open); the HITs are then marked expired together
 * with the audit entry. Expiring a HIT twice is harmless, so a failure in between is mended by running it again.
 */
export async function expireCrowdBatch(ctx: AppContext, channel: CrowdChannel, props: { actorId: number; batchId: number }) {
  const batch = await findBatch(ctx.store.db, props.batchId);
  if (!batch) throw notFound('Batch');
  const live = (await listHits(ctx.store.db, { batchId: batch.id })).filter(
    (hit) => hit.externalId && hit.status !== 'expired' && hit.channel === channel.name,
  );
  for (const hit of live) await channel.expire(hit.externalId!);
  return runCommand(ctx, async (tx) => {
    for (const hit of live) await setHitStatus(tx, hit.id, 'expired');
    await appendAudit(tx, { actorId: props.actorId, action: 'crowd.expire', target: `batch:${batch.id}`, details: { expired: live.length } });
    return { expired: live.length };
  });
}

/** Blocks a crowd worker on the channel (idempotent, so told first), then remembers it with its audit entry. */
export async function blockCrowdWorker(ctx: AppContext, channel: CrowdChannel, props: { actorId: number; workerId: string; reason: string }) {
  await channel.block(props.workerId, props.reason);
  return runCommand(ctx, async (tx) => {
    await setWorkerBlocked(tx, channel.name, props.workerId);
    await appendAudit(tx, { actorId: props.actorId, action: 'crowd.block', target: `worker:${props.workerId}`, details: { reason: props.reason } });
    return { blocked: props.workerId };
  });
}

/** A human's decision on a held assignment, recorded and then carried out like an automatic one. */
export async function decideHeldAssignment(
  ctx: AppContext,
  channel: CrowdChannel,
  props: { actorId: number; assignmentId: number; decision: 'approve' | 'reject'; reason: string; bonus?: string },
) {
  const { db } = ctx.store;
  const row = await findCrowdAssignment(db, props.assignmentId);
  if (!row) throw notFound('Assignment');
  if (row.decision !== 'hold') throw conflict(`This assignment was already decided (${row.decision ?? 'not yet reviewed'})`);
  const hit = (await findHit(db, row.hitId))!;
  const project = (await findProject(db, hit.projectId))!;
  const bonus = props.decision === 'approve' && props.bonus && Number(props.bonus) > 0 ? { amount: props.bonus, reason: props.reason } : undefined;
  // Recorded with its audit entry before the channel is called, like an automatic decision: applyDecision then
  // carries it out, and a sync finishes the job if that call fails.
  await runCommand(ctx, async (tx) => {
    await recordDecision(tx, row.id, {
      decision: props.decision,
      reason: props.reason,
      bonus: bonus?.amount ?? null,
      goldCorrect: row.goldCorrect ?? 0,
      goldTotal: row.goldTotal ?? 0,
    });
    await appendAudit(tx, {
      actorId: props.actorId,
      action: `crowd.${props.decision}`,
      target: `assignment:${row.externalId}`,
      details: { reason: props.reason, bonus: bonus?.amount },
    });
  });
  const decision =
    props.decision === 'approve' ? { action: 'approve' as const, reason: props.reason, bonus } : { action: 'reject' as const, reason: props.reason };
  return applyDecision(ctx, channel, { project, hit, row, decision });
}

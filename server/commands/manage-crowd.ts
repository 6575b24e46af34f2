import type { AppContext } from '../context.ts';
import type { CrowdChannel } from '../crowd/channel.ts';
import { findBatch } from '../db/queries/batches.ts';
import { findProject } from '../db/queries/projects.ts';
import { findCrowdAssignment, findHit, listHits, recordDecision, setHitStatus, setWorkerBlocked } from '../db/queries/crowd.ts';
import { appendAudit } from '../db/queries/audit.ts';
import { conflict, notFound } from '../errors.ts';
import { applyDecision } from './sync-crowd.ts';

/** Ends every published HIT of a batch now; work already submitted still syncs and is reviewed. */
export async function expireCrowdBatch(ctx: AppContext, channel: CrowdChannel, props: { actorId: number; batchId: number }) {
  const batch = await findBatch(ctx.store.db, props.batchId);
  if (!batch) throw notFound('Batch');
  let expired = 0;
  for (const hit of await listHits(ctx.store.db, { batchId: batch.id })) {
    if (!hit.externalId || hit.status === 'expired') continue;
    await channel.expire(hit.externalId);
    await setHitStatus(ctx.store.db, hit.id, 'expired');
    expired++;
  }
  await appendAudit(ctx.store.db, { actorId: props.actorId, action: 'crowd.expire', target: `batch:${batch.id}`, details: { expired } });
  return { expired };
}

/** Blocks a crowd worker on the channel and remembers it. */
export async function blockCrowdWorker(ctx: AppContext, channel: CrowdChannel, props: { actorId: number; workerId: string; reason: string }) {
  await channel.block(props.workerId, props.reason);
  await setWorkerBlocked(ctx.store.db, channel.name, props.workerId);
  await appendAudit(ctx.store.db, { actorId: props.actorId, action: 'crowd.block', target: `worker:${props.workerId}`, details: { reason: props.reason } });
  return { blocked: props.workerId };
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
  await recordDecision(db, row.id, { decision: props.decision, reason: props.reason, bonus: bonus?.amount ?? null, goldCorrect: row.goldCorrect ?? 0, goldTotal: row.goldTotal ?? 0 });
  await appendAudit(db, { actorId: props.actorId, action: `crowd.${props.decision}`, target: `assignment:${row.externalId}`, details: { reason: props.reason, bonus: bonus?.amount } });
  const decision = props.decision === 'approve' ? { action: 'approve' as const, reason: props.reason, bonus } : { action: 'reject' as const, reason: props.reason };
  return applyDecision(ctx, channel, { project, hit, row, decision });
}


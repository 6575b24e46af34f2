import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { CrowdChannel } from '../crowd/channel.ts';
import { findBatch, setBatchStatus } from '../db/queries/batches.ts';
import { findProject } from '../db/queries/projects.ts';
import { insertPlannedHit, listHits, setHitPublished } from '../db/queries/crowd.ts';
import { rowsOf } from '../db/store.ts';
import { appendAudit } from '../db/queries/audit.ts';
import { sql } from 'drizzle-orm';
import { conflict, notFound } from '../errors.ts';
import { planHits, type PlannedHit } from '../crowd/mturk/hit-plan.ts';
import { assignmentFeeCents, centsToMoney, estimatePublishCost, moneyToCents } from '../crowd/mturk/fees.ts';
import { buildQualificationRequirements } from '../crowd/mturk/qualification-requirements.ts';
import { crowdSettingsOf } from '../crowd/crowd-settings.ts';
import { moneyAmount } from '../crowd/mturk/review-policy.ts';
import { findTaskType } from '../../tasks/registry.ts';
import { runCommand } from './run-command.ts';


/** How a batch is published to a crowd channel. */
export const publishOptionsSchema = z.object({
  itemsPerHit: z.number().int().min(1).max(100).default(5),
  reward: moneyAmount,
  assignmentDurationSeconds: z.number().int().min(30).max(365 * 24 * 3600).default(3600),
  lifetimeSeconds: z.number().int().min(30).max(365 * 24 * 3600).default(7 * 24 * 3600),
  autoApprovalDelaySeconds: z.number().int().min(0).max(30 * 24 * 3600).default(3 * 24 * 3600),
  title: z.string().min(1).max(128),
  description: z.string().min(1).max(2000),
  keywords: z.string().max(1000).default('data labeling, text quality'),
  qualifications: z
    .object({
      locales: z.array(z.string().regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/)).optional(),
      minApprovalRate: z.number().int().min(0).max(100).optional(),
      minApprovedHits: z.number().int().min(0).optional(),
      /** Only workers who passed our qualification test. */
      requireOurQualification: z.boolean().default(false),
    })
    .default({ requireOurQualification: false }),
  /** Most this publish may cost, rewards and fees included. */
  budget: moneyAmount,
  /** Split k >= 10 into HITs of at most 9 assignments, avoiding MTurk's 40% commission. */
  splitAtFeeCliff: z.boolean().default(false),
  masters: z.boolean().default(false),
  /** A qualification test: the batch should be made of gold items; passing grants our qualification. */
  purpose: z.enum(['work', 'qualification']).default('work'),
});

export type PublishOptions = z.infer<typeof publishOptionsSchema>;

/** Cost of the planned HITs, rewards and fees, in cents (fees depend on each HIT's own assignment count). */
function planCostCents(hits: PlannedHit[], rewardCents: number, masters: boolean) {
  return hits.reduce((sum, h) => sum + h.maxAssignments * (rewardCents + assignmentFeeCents(rewardCents, h.maxAssignments, masters)), 0);
}

async function batchItemIds(ctx: AppContext, batchId: number) {
  const rows = await rowsOf<{ id: number }>(ctx.store.db, sql`select id from items where batch_id = ${batchId} order by id`);
  return rows.map((r) => String(r.id));
}

/** What publishing would cost, before anything is created. */
export async function estimateCrowdBatch(ctx: AppContext, props: { batchId: number; itemsPerHit: number; reward: string; masters?: boolean; splitAtFeeCliff?: boolean }) {
  const batch = await findBatch(ctx.store.db, props.batchId);
  if (!batch) throw notFound('Batch');
  const itemIds = await batchItemIds(ctx, batch.id);
  const estimate = estimatePublishCost({ nItems: itemIds.length, itemsPerHit: props.itemsPerHit, assignmentsPerHit: batch.redundancy, reward: props.reward, masters: props.masters });
  if (!props.splitAtFeeCliff) return estimate;
  const hits = planHits(itemIds, { batchId: String(batch.id), itemsPerHit: props.itemsPerHit, assignmentsPerItem: batch.redundancy, splitAtFeeCliff: true });
  const rewardCents = moneyToCents(props.reward);
  const total = planCostCents(hits, rewardCents, !!props.masters);
  const rewards = hits.reduce((s, h) => s + h.maxAssignments * rewardCents, 0);
  return { hitCount: hits.length, assignmentCount: rewards / rewardCents, rewardTotal: centsToMoney(rewards), fees: centsToMoney(total - rewards), grandTotal: centsToMoney(total) };
}

/**
 * Publishes a crowd batch as HITs whose ExternalQuestion frames our task page. Every planned HIT is recorded with its
 * deterministic token before the channel is called, and HITs already created are skipped, so a rerun after a crash
 * finishes the job without duplicates. Refuses when the cost exceeds the budget or the account balance.
 */
export async function publishCrowdBatch(ctx: AppContext, channel: CrowdChannel, props: { actorId: number; batchId: number; options: PublishOptions }) {
  const { db } = ctx.store;
  const o = props.options;
  const batch = await findBatch(db, props.batchId);
  if (!batch) throw notFound('Batch');
  if (batch.channel !== 'crowd') throw conflict('Only crowd batches are published to a crowd channel; this batch is labeled in the app');
  const project = (await findProject(db, batch.projectId))!;
  const taskType = findTaskType(project.taskType)!;
  const itemIds = await batchItemIds(ctx, batch.id);
  const plan = planHits(itemIds, { batchId: String(batch.id), itemsPerHit: o.itemsPerHit, assignmentsPerItem: batch.redundancy, splitAtFeeCliff: o.splitAtFeeCliff });
  const rewardCents = moneyToCents(o.reward);
  const existing = new Map((await listHits(db, { batchId: batch.id })).map((h) => [h.uniqueRequestToken, h]));
  const toCreate = plan.filter((h) => !existing.get(h.uniqueRequestToken)?.externalId);
  const costCents = planCostCents(toCreate, rewardCents, o.masters);
  if (costCents > moneyToCents(o.budget)) {
    throw conflict(`Publishing costs ${centsToMoney(costCents)} with fees, over the budget of ${o.budget}`);
  }
  if (toCreate.length) {
    const balance = moneyToCents(await channel.balance());
    if (costCents > balance) throw conflict(`Publishing costs ${centsToMoney(costCents)} but the account balance is ${centsToMoney(balance)}`);
  }
  const settings = crowdSettingsOf(project.settings);
  const requirements = buildQualificationRequirements({
    locales: o.qualifications.locales,
    minApprovalRatePercent: o.qualifications.minApprovalRate,
    minApprovedCount: o.qualifications.minApprovedHits,
    ownQualification: o.qualifications.requireOurQualification && settings.qualificationTypeId ? { typeId: settings.qualificationTypeId, minScore: Math.round(settings.qualificationPassMark * 100) } : undefined,
  });
  if (o.qualifications.requireOurQualification && !settings.qualificationTypeId) {
    throw conflict('This project has no qualification yet: publish a qualification test first');
  }
  const taskUrl = `${(ctx.config.PUBLIC_URL ?? `http://localhost:${ctx.config.PORT}`).replace(/\/$/, '')}/mturk`;
  for (const hit of toCreate) {
    const row = await insertPlannedHit(db, {
      batchId: batch.id,
      projectId: project.id,
      channel: channel.name,
      uniqueRequestToken: hit.uniqueRequestToken,
      itemIds: hit.itemIds.map(Number),
      purpose: o.purpose,
      maxAssignments: hit.maxAssignments,
      rewardCents,
      status: 'planned',
    });
    const externalId = await channel.createHit({
      uniqueRequestToken: hit.uniqueRequestToken,
      taskUrl,
      frameHeight: taskType.mturkFrameHeight,
      maxAssignments: hit.maxAssignments,
      reward: o.reward,
      title: o.title,
      description: o.description,
      keywords: o.keywords,
      lifetimeSeconds: o.lifetimeSeconds,
      assignmentDurationSeconds: o.assignmentDurationSeconds,
      autoApprovalDelaySeconds: o.autoApprovalDelaySeconds,
      qualificationRequirements: requirements,
    });
    // Counted from after the channel created it, so never earlier than the channel's own expiry.
    await setHitPublished(db, row.id, externalId, { expiresAt: new Date(Date.now() + o.lifetimeSeconds * 1000), assignmentDurationSeconds: o.assignmentDurationSeconds });
  }
  // Each HIT above commits on its own around the channel's call (see the doc comment); the batch opens together with
  // the audit entry once they all exist.
  await runCommand(ctx, async (tx) => {
    if (batch.status === 'draft') await setBatchStatus(tx, batch.id, 'open');
    await appendAudit(tx, { actorId: props.actorId, action: 'crowd.publish', target: `batch:${batch.id}`, details: { created: toCreate.length, cost: centsToMoney(costCents) } });
  });
  const hits = await listHits(db, { batchId: batch.id });
  return {
    published: toCreate.length,
    alreadyPublished: plan.length - toCreate.length,
    hits: hits.map((h) => ({ id: h.id, externalId: h.externalId, status: h.status })),
    estimate: { cost: centsToMoney(costCents) },
  };
}

import type { AppContext } from '../context.ts';
import type { AnyCrowdChannel, BasePublishOptions, PlannedUnit } from '../crowd/channel.ts';
import { findBatch, setBatchStatus } from '../db/queries/batches.ts';
import { findProject } from '../db/queries/projects.ts';
import { insertPlannedHit, listHits, setHitPublished } from '../db/queries/crowd.ts';
import { rowsOf } from '../db/store.ts';
import { appendAudit } from '../db/queries/audit.ts';
import { sql } from 'drizzle-orm';
import { conflict, notFound } from '../errors.ts';
import { centsToMoney, moneyToCents } from '../crowd/money.ts';
import { crowdSettingsOf } from '../crowd/crowd-settings.ts';
import { findTaskType } from '../../tasks/registry.ts';
import { runCommand } from './run-command.ts';

/** Cost of the planned units, rewards and the channel's fees, in cents (fees may depend on each unit's places). */
function planCostCents(channel: AnyCrowdChannel, units: PlannedUnit[], rewardCents: number, options: Partial<BasePublishOptions>) {
  return units.reduce((sum, u) => sum + u.places * (rewardCents + channel.placeFeeCents(rewardCents, u.places, options)), 0);
}

async function batchItemIds(ctx: AppContext, batchId: number) {
  const rows = await rowsOf<{ id: number }>(ctx.store.db, sql`select id from items where batch_id = ${batchId} order by id`);
  return rows.map((r) => String(r.id));
}

/** What publishing would cost with the channel's fees, before anything is created (`input`: the channel's estimate options). */
export async function estimateCrowdBatch(ctx: AppContext, channel: AnyCrowdChannel, props: { batchId: number; input: unknown }) {
  const options = channel.estimateOptionsSchema.parse(props.input);
  const batch = await findBatch(ctx.store.db, props.batchId);
  if (!batch) throw notFound('Batch');
  const itemIds = await batchItemIds(ctx, batch.id);
  const units = channel.plan(itemIds, { batchId: String(batch.id), placesPerItem: batch.redundancy, options });
  const rewardCents = moneyToCents(options.reward);
  const total = planCostCents(channel, units, rewardCents, options);
  const places = units.reduce((s, u) => s + u.places, 0);
  return {
    hitCount: units.length,
    assignmentCount: places,
    rewardTotal: centsToMoney(places * rewardCents),
    fees: centsToMoney(total - places * rewardCents),
    grandTotal: centsToMoney(total),
    ...channel.advice({ placesPerItem: batch.redundancy, rewardCents, placeCount: places, options }),
  };
}

/**
 * Publishes a crowd batch as HITs whose ExternalQuestion frames our task page. Every planned HIT is recorded with its
 * deterministic token before the channel is called, and HITs already created are skipped, so a rerun after a crash
 * finishes the job without duplicates. Refuses when the cost exceeds the budget or the account balance.
 */
export async function publishCrowdBatch(ctx: AppContext, channel: AnyCrowdChannel, props: { actorId: number; batchId: number; options: unknown }) {
  const { db } = ctx.store;
  const o = channel.publishOptionsSchema.parse(props.options);
  const refusal = channel.refusal(o);
  if (refusal) throw conflict(refusal);
  const batch = await findBatch(db, props.batchId);
  if (!batch) throw notFound('Batch');
  if (batch.channel !== 'crowd') throw conflict('Only crowd batches are published to a crowd channel; this batch is labeled in the app');
  const project = (await findProject(db, batch.projectId))!;
  const taskType = findTaskType(project.taskType)!;
  const itemIds = await batchItemIds(ctx, batch.id);
  const plan = channel.plan(itemIds, { batchId: String(batch.id), placesPerItem: batch.redundancy, options: o });
  const rewardCents = moneyToCents(o.reward);
  const existing = new Map((await listHits(db, { batchId: batch.id })).map((h) => [h.uniqueRequestToken, h]));
  const toCreate = plan.filter((u) => !existing.get(u.token)?.externalId);
  const costCents = planCostCents(channel, toCreate, rewardCents, o);
  if (costCents > moneyToCents(o.budget)) {
    throw conflict(`Publishing costs ${centsToMoney(costCents)} with fees, over the budget of ${o.budget}`);
  }
  const balance = toCreate.length ? await channel.balance() : null;
  if (balance !== null && costCents > moneyToCents(balance)) {
    throw conflict(`Publishing costs ${centsToMoney(costCents)} but the account balance is ${balance}`);
  }
  const settings = crowdSettingsOf(project.settings);
  const wantsQualification = channel.requiresOwnQualification(o);
  if (wantsQualification && !settings.qualificationTypeId) {
    throw conflict('This project has no qualification yet: publish a qualification test first');
  }
  const ownQualification =
    wantsQualification && settings.qualificationTypeId
      ? { typeId: settings.qualificationTypeId, minScore: Math.round(settings.qualificationPassMark * 100) }
      : undefined;
  const taskUrl = `${(ctx.config.PUBLIC_URL ?? `http://localhost:${ctx.config.PORT}`).replace(/\/$/, '')}/${channel.name}`;
  for (const hit of toCreate) {
    const row = await insertPlannedHit(db, {
      batchId: batch.id,
      projectId: project.id,
      channel: channel.name,
      uniqueRequestToken: hit.token,
      itemIds: hit.itemIds.map(Number),
      purpose: o.purpose,
      maxAssignments: hit.places,
      rewardCents,
      status: 'planned',
    });
    const externalId = await channel.publish({
      token: hit.token,
      taskUrl,
      frameHeight: taskType.mturkFrameHeight,
      places: hit.places,
      options: o,
      ownQualification,
    });
    // Counted from after the channel created it, so never earlier than the channel's own expiry.
    await setHitPublished(db, row.id, externalId, {
      expiresAt: new Date(Date.now() + o.lifetimeSeconds * 1000),
      assignmentDurationSeconds: o.assignmentDurationSeconds,
    });
  }
  // Each HIT above commits on its own around the channel's call (see the doc comment); the batch opens together with
  // the audit entry once they all exist.
  await runCommand(ctx, async (tx) => {
    if (batch.status === 'draft') await setBatchStatus(tx, batch.id, 'open');
    await appendAudit(tx, {
      actorId: props.actorId,
      action: 'crowd.publish',
      target: `batch:${batch.id}`,
      details: { created: toCreate.length, cost: centsToMoney(costCents) },
    });
  });
  const hits = await listHits(db, { batchId: batch.id });
  return {
    published: toCreate.length,
    alreadyPublished: plan.length - toCreate.length,
    hits: hits.map((h) => ({ id: h.id, externalId: h.externalId, status: h.status })),
    estimate: { cost: centsToMoney(costCents) },
  };
}

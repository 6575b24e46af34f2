import type { AppContext } from '../context.ts';
import type { AnyCrowdChannel as CrowdChannel, CrowdAssignment } from '../crowd/channel.ts';
import type { Project } from '../db/schema.ts';
import { findProject } from '../db/queries/projects.ts';
import {
  appendLedger,
  confirmSubmission,
  findSubmissionByToken,
  listHits,
  markAssignmentsListed,
  markDecisionSynced,
  recordDecision,
  rejectSubmissionJudgments,
  submissionJudgmentsWithGold,
  submissionOfAssignment,
  submissionOfHitAssignment,
  upsertCrowdAssignment,
} from '../db/queries/crowd.ts';
import { updateProject } from '../db/queries/projects.ts';
import { exclusively } from '../jobs/exclusive.ts';
import { conflict, notFound } from '../errors.ts';
import { decideReview, type ReviewDecision } from '../crowd/review-policy.ts';
import { moneyToCents } from '../crowd/money.ts';
import { crowdSettingsOf, reviewPolicyOf } from '../crowd/crowd-settings.ts';
import { workerKeyOfCrowd } from './worker-key.ts';
import { runCommand } from './run-command.ts';
import { projectTaskType } from '../../tasks/registry.ts';

/** Crowd locks sit in their own key range, clear of aggregation and job locks. */
const SYNC_LOCK_BASE = 2_000_000_000;

type AssignmentRow = Awaited<ReturnType<typeof upsertCrowdAssignment>>;
type HitRow = Awaited<ReturnType<typeof listHits>>[number];

/**
 * Brings crowd work home: pages through every HIT's assignments on the channel, confirms the pending submission whose
 * token the channel's answer carries (a worker or assignment id in a URL proves nothing), grades it on gold items,
 * decides by the project's review policy, records the decision, then carries it out (approve, reject, bonus) and
 * books the cost. Decisions are recorded before they are acted on and every payment has an idempotency key, so a
 * crash anywhere, or two syncs at once, never approves or pays twice. So a sync is many small commits, each around a
 * call to the channel, never one transaction held open across the network; each step that changes judgments
 * announces it through runCommand once that step has committed.
 */
export async function syncCrowdProject(ctx: AppContext, channel: CrowdChannel, props: { projectId: number }) {
  const project = await findProject(ctx.store.db, props.projectId);
  if (!project) throw notFound('Project');
  const result = await exclusively(ctx.store, SYNC_LOCK_BASE + project.id, async () => {
    const counts = { assignmentsSeen: 0, confirmed: 0, approved: 0, rejected: 0, held: 0, bonuses: 0 };
    for (const hit of await listHits(ctx.store.db, { projectId: project.id })) {
      // Units another channel published (before the server was switched over) are that channel's to sync.
      if (!hit.externalId || hit.channel !== channel.name) continue;
      // Taken before the call: the listing shows at least what the channel held at this moment.
      const listedAt = new Date();
      // Every submission is confirmed and its decision recorded first; approvals then go in one bulk call where the
      // channel has one (Prolific), and each decision is carried out and booked.
      const prepared = [];
      for (const assignment of await channel.listAssignments(hit.externalId)) {
        counts.assignmentsSeen++;
        prepared.push(await prepareAssignment(ctx, channel, project, hit, assignment));
      }
      const toApprove = prepared.filter((p) => p.decision?.action === 'approve' && p.row.status !== 'Approved');
      if (channel.approveMany && toApprove.length) {
        await channel.approveMany(toApprove.map((p) => p.row.externalId));
        for (const p of toApprove) p.row = { ...p.row, status: 'Approved' };
      }
      for (const p of prepared) {
        const outcome = p.decision
          ? { ...(await applyDecision(ctx, channel, { project, hit, row: p.row, decision: p.decision })), confirmed: p.confirmed }
          : { confirmed: p.confirmed, applied: null, bonus: false };
        if (outcome.confirmed) counts.confirmed++;
        if (outcome.applied === 'approve') counts.approved++;
        if (outcome.applied === 'reject') counts.rejected++;
        if (outcome.applied === 'hold') counts.held++;
        if (outcome.bonus) counts.bonuses++;
      }
      await markAssignmentsListed(ctx.store.db, hit.id, listedAt);
    }
    return counts;
  });
  if (!result) throw conflict('A sync of this project is already running');
  return result;
}

/** Confirms a listed submission that is ours and records the decision on it; null once it was carried out. */
async function prepareAssignment(ctx: AppContext, channel: CrowdChannel, project: Project, hit: HitRow, a: CrowdAssignment) {
  const { db } = ctx.store;
  const row = await upsertCrowdAssignment(db, {
    hitId: hit.id,
    externalId: a.assignmentId,
    workerId: a.workerId,
    status: a.status,
    submittedAt: a.submittedAt,
  });
  let confirmed = false;
  // A channel that carries our token back (MTurk) is matched by it; one that carries no answer (Prolific) by its own
  // submission id and the worker it names, both of which only the marketplace hands out.
  const submission =
    channel.confirmsBy === 'answer-token'
      ? a.answers.curateToken
        ? await findSubmissionByToken(db, a.answers.curateToken)
        : undefined
      : await submissionOfHitAssignment(db, hit.id, a.assignmentId).then((s) => (s?.claimedWorkerId === a.workerId ? s : undefined));
  const genuine = submission && Number(submission.hitId) === hit.id && submission.externalAssignmentId === a.assignmentId;
  if (genuine && !submission.confirmedAt) {
    await runCommand(ctx, async (tx, emit) => {
      await confirmSubmission(tx, submission.id, workerKeyOfCrowd(channel.name, a.workerId));
      emit({ name: 'judgments:changed', payload: { projectId: project.id, batchId: hit.batchId, itemId: 0 } });
    });
    confirmed = true;
  }
  if (row.decisionSyncedAt) return { confirmed, row, decision: null };
  let decision: ReviewDecision;
  if (row.decision) {
    decision = {
      action: row.decision,
      reason: row.decisionReason ?? '',
      ...(row.decisionBonus ? { bonus: { amount: row.decisionBonus, reason: row.decisionReason ?? '' } } : {}),
    } as ReviewDecision;
  } else {
    const gold = genuine ? await gradeSubmission(ctx, project, submission.id) : { correct: 0, total: 0 };
    decision = genuine
      ? decideReview(gold, reviewPolicyOf(crowdSettingsOf(project.settings)))
      : { action: 'hold', reason: 'No matching submission reached our server for this assignment; held for a human.' };
    await recordDecision(db, row.id, {
      decision: decision.action,
      reason: decision.reason,
      bonus: decision.action === 'approve' ? (decision.bonus?.amount ?? null) : null,
      goldCorrect: gold.correct,
      goldTotal: gold.total,
    });
    if (hit.purpose === 'qualification' && genuine) await grantIfPassed(ctx, channel, project, a.workerId, gold);
  }
  return { confirmed, row: { ...row, status: a.status }, decision };
}

/**
 * Counts a submission's gold answers right and in all. A judgment or gold answer that no longer fits the project's
 * config (changed since) grades nothing either way, so the decision rests on the gold still comparable.
 */
async function gradeSubmission(ctx: AppContext, project: Project, submissionId: number) {
  const taskType = projectTaskType(project)!;
  const rows = await submissionJudgmentsWithGold(ctx.store.db, submissionId);
  let correct = 0;
  let total = 0;
  for (const r of rows) {
    if (r.gold === null || r.gold === undefined || !taskType.fitsGold(r.gold) || !taskType.fitsJudgment(r.value)) continue;
    total++;
    if (taskType.compareWithGold(r.value, r.gold).correct) correct++;
  }
  return { correct, total };
}

async function grantIfPassed(ctx: AppContext, channel: CrowdChannel, project: Project, workerId: string, gold: { correct: number; total: number }) {
  const settings = crowdSettingsOf(project.settings);
  if (!gold.total || gold.correct / gold.total < settings.qualificationPassMark) return;
  if (!channel.qualification) return;
  let typeId = settings.qualificationTypeId;
  if (!typeId) {
    typeId = await channel.qualification.createType(`Curate: ${project.name} (${project.id})`, `Passed the qualification test of "${project.name}".`);
    const fresh = (await findProject(ctx.store.db, project.id))!;
    await updateProject(ctx.store.db, project.id, {
      settings: { ...(fresh.settings as object), crowd: { ...crowdSettingsOf(fresh.settings), qualificationTypeId: typeId } },
    });
  }
  await channel.qualification.grant(typeId, workerId, Math.round((100 * gold.correct) / gold.total));
}

/**
 * Carries out a recorded decision on the channel and books its cost; safe to repeat. An assignment the channel
 * already approved (auto-approval, or an approve whose recording a crash interrupted) is booked as approved.
 */
export async function applyDecision(
  ctx: AppContext,
  channel: CrowdChannel,
  args: { project: Project; hit: HitRow; row: AssignmentRow; decision: ReviewDecision },
) {
  const { db } = ctx.store;
  const { project, hit, row, decision } = args;
  const submission = await submissionOfAssignment(db, row.externalId);
  if (decision.action === 'hold') return { applied: 'hold' as const, bonus: false };
  if (decision.action === 'reject' && row.status !== 'Approved') {
    await channel.reject(row.externalId, decision.reason);
    await runCommand(ctx, async (tx, emit) => {
      if (submission) await rejectSubmissionJudgments(tx, submission.id);
      await markDecisionSynced(tx, row.id, 'Rejected');
      emit({ name: 'judgments:changed', payload: { projectId: project.id, batchId: hit.batchId, itemId: 0 } });
    });
    return { applied: 'reject' as const, bonus: false };
  }
  if (row.status !== 'Approved') await channel.approve(row.externalId, decision.reason);
  await appendLedger(db, {
    projectId: project.id,
    hitId: hit.id,
    workerId: row.workerId,
    kind: 'reward',
    amountCents: hit.rewardCents,
    idempotencyKey: `reward:${row.externalId}`,
  });
  await appendLedger(db, {
    projectId: project.id,
    hitId: hit.id,
    workerId: row.workerId,
    kind: 'fee',
    amountCents: channel.placeFeeCents(hit.rewardCents, hit.maxAssignments),
    idempotencyKey: `fee:${row.externalId}`,
  });
  const bonus = decision.action === 'approve' ? decision.bonus : undefined;
  if (bonus) {
    const cents = moneyToCents(bonus.amount);
    const book = () =>
      appendLedger(db, {
        projectId: project.id,
        hitId: hit.id,
        workerId: row.workerId,
        kind: 'bonus',
        amountCents: cents,
        idempotencyKey: `bonus:${row.externalId}`,
      });
    await channel.bonus(
      {
        workerId: row.workerId,
        assignmentId: row.externalId,
        hitId: hit.externalId!,
        amount: bonus.amount,
        reason: bonus.reason,
        token: `bonus-${row.externalId}`.slice(0, 64),
      },
      book,
    );
    await book();
    await appendLedger(db, {
      projectId: project.id,
      hitId: hit.id,
      workerId: row.workerId,
      kind: 'fee',
      amountCents: channel.bonusFeeCents(cents),
      idempotencyKey: `bonus-fee:${row.externalId}`,
    });
  }
  await markDecisionSynced(db, row.id, 'Approved');
  return { applied: 'approve' as const, bonus: !!bonus };
}

import type { crowdStatus, heldAssignments, listHits } from '../db/queries/crowd.ts';

/** A project's crowd picture: its HITs, assignments by decision, the cost ledger and each worker's record. */
export function presentCrowdStatus(hits: Awaited<ReturnType<typeof listHits>>, status: Awaited<ReturnType<typeof crowdStatus>>) {
  return {
    hits: hits.map((h) => ({
      id: h.id,
      batchId: h.batchId,
      externalId: h.externalId,
      status: h.status,
      purpose: h.purpose,
      maxAssignments: h.maxAssignments,
      rewardCents: h.rewardCents,
      itemIds: h.itemIds,
    })),
    assignments: status.assignments,
    ledger: {
      rewardCents: status.ledger.reward,
      feeCents: status.ledger.fee,
      bonusCents: status.ledger.bonus,
      totalCents: status.ledger.reward + status.ledger.fee + status.ledger.bonus,
    },
    workers: status.workers.map((w) => ({
      workerId: w.worker_id,
      assignments: w.assignments,
      approved: w.approved,
      rejected: w.rejected,
      bonusCents: w.bonus_cents,
      blocked: w.blocked,
    })),
  };
}

/** An assignment waiting for a human decision, with the gold evidence the policy had. */
export function presentHeldAssignment(a: Awaited<ReturnType<typeof heldAssignments>>[number]) {
  return {
    id: Number(a.id),
    externalId: a.external_id,
    workerId: a.worker_id,
    reason: a.decision_reason,
    goldCorrect: a.gold_correct,
    goldTotal: a.gold_total,
  };
}

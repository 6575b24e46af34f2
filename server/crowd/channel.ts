/**
 * The crowd channel contract: how the server hands batches to an external crowd marketplace and takes back
 * only work that marketplace confirms. MTurk is the first adapter. Types only.
 */
import type { ReviewDecision } from './mturk/review-policy.ts';
import type { PlannedHit } from './mturk/hit-plan.ts';

/** A batch ready to publish: the HITs plus the task page each HIT frames. */
export interface PublishPlan {
  batchId: string;
  hits: PlannedHit[];
  /** Reward per assignment as a money string ("0.05"). */
  reward: string;
  title: string;
  description: string;
  keywords?: string;
  lifetimeSeconds: number;
  assignmentDurationSeconds: number;
  autoApprovalDelaySeconds: number;
  /** Task page URL for a HIT; the channel appends its own assignment/worker params. */
  taskUrl: (hit: PlannedHit) => string;
}

/** The channel's id for a published HIT; stored so sync and review can address it. */
export interface ExternalHitRef { hitIndex: number; externalHitId: string }

/** A submission the channel's own API confirms (never trust the worker's browser alone). */
export interface ConfirmedSubmission {
  externalHitId: string;
  assignmentId: string;
  workerId: string;
  submittedAt: Date;
  /** Parsed answer fields (e.g. the pending-submission token the task page posted). */
  answers: Record<string, string>;
  status: 'Submitted' | 'Approved' | 'Rejected';
}

/** A review decision addressed to one assignment. */
export type AssignmentReview = { assignmentId: string } & ReviewDecision;

/** Operations every crowd channel adapter implements. */
export interface CrowdChannel {
  /** Creates the HITs; idempotent by each HIT's request token, so a retry after a crash makes no duplicates. */
  publish(plan: PublishPlan): Promise<ExternalHitRef[]>;
  /** Lists submissions the marketplace confirms for the given HITs. */
  sync(hits: readonly ExternalHitRef[]): Promise<ConfirmedSubmission[]>;
  /** Applies approve/reject (holds are left alone) and pays any bonus in the decision. */
  review(decisions: readonly AssignmentReview[]): Promise<void>;
  /** Pays a bonus; `idempotencyKey` prevents double payment on retry. */
  bonus(args: { workerId: string; assignmentId: string; amount: string; reason: string; idempotencyKey: string }): Promise<void>;
  /** Blocks a worker from all our future work. */
  block(workerId: string, reason: string): Promise<void>;
  /** Available balance as a money string. */
  balance(): Promise<string>;
}

/**
 * The crowd channel contract: how the server hands work to an external crowd marketplace and takes back only work
 * the marketplace itself confirms. MTurk is the first adapter (crowd/mturk/mturk-channel.ts); any marketplace with
 * HITs, assignments, review, bonuses and blocks fits. Every creating or paying call is idempotent by a token the
 * caller derives deterministically, so a retry after a crash never duplicates a HIT or a payment.
 */
import type { QualificationRequirement } from './mturk/qualification-requirements.ts';

/** One unit of published work (a HIT) to create. */
export interface CrowdHitRequest {
  uniqueRequestToken: string;
  /** Our task page; the marketplace appends its own assignment and worker parameters. */
  taskUrl: string;
  frameHeight: number;
  maxAssignments: number;
  /** Reward per assignment as a money string ("0.05"). */
  reward: string;
  title: string;
  description: string;
  keywords: string;
  lifetimeSeconds: number;
  assignmentDurationSeconds: number;
  autoApprovalDelaySeconds: number;
  qualificationRequirements: QualificationRequirement[];
}

/** A submitted assignment as the marketplace's API reports it: the only evidence crowd work happened. */
export interface CrowdAssignment {
  assignmentId: string;
  workerId: string;
  hitId: string;
  status: 'Submitted' | 'Approved' | 'Rejected';
  submittedAt: Date | null;
  /** Parsed answer fields (our task page posts the pending-submission token among them). */
  answers: Record<string, string>;
}

/** Whether a channel is set up, and if not, what is missing in words an admin can act on. */
export type CrowdReadiness = { configured: true } | { configured: false; problem: string };

/** Operations every crowd channel adapter implements. */
export interface CrowdChannel {
  /** Short name, used in worker keys (`<name>:<workerId>`) and stored with HITs. */
  readonly name: string;
  /**
   * Whether the channel can be called at all (credentials found), without calling it: the crowd page asks this
   * first and shows what to set up instead of failing every call.
   */
  readiness(): Promise<CrowdReadiness>;
  /** Available balance as a money string. */
  balance(): Promise<string>;
  /** Publishes one HIT (or finds the one an earlier attempt with the same token created); returns its id. */
  createHit(request: CrowdHitRequest): Promise<string>;
  /** Lists the HIT's submitted, approved and rejected assignments. */
  listAssignments(hitId: string): Promise<CrowdAssignment[]>;
  /** Approves (an already approved assignment counts as done). */
  approve(assignmentId: string, feedback: string): Promise<void>;
  /** Rejects with the reason the worker reads (an already rejected assignment counts as done). */
  reject(assignmentId: string, feedback: string): Promise<void>;
  /** Pays a bonus once per token. */
  bonus(args: { workerId: string; assignmentId: string; amount: string; reason: string; token: string }): Promise<void>;
  /** Ends a HIT's availability now. */
  expire(hitId: string): Promise<void>;
  /** Blocks a worker from all our future work. */
  block(workerId: string, reason: string): Promise<void>;
  /** Creates our own qualification type (granted by passing the qualification test). */
  createQualificationType(name: string, description: string): Promise<string>;
  /** Grants our qualification with a score. */
  grantQualification(typeId: string, workerId: string, score: number): Promise<void>;
}

import { randomBytes } from 'node:crypto';

/** Status of a HIT as MTurk reports it. */
export type HitStatus = 'Assignable' | 'Unassignable' | 'Reviewable' | 'Reviewing' | 'Disposed';
/** Assignment status; Accepted is internal (ListAssignmentsForHIT never shows it). */
export type AssignmentStatus = 'Accepted' | 'Submitted' | 'Approved' | 'Rejected';

/** A QualificationRequirement as stored on a HIT type. */
export interface StoredRequirement {
  QualificationTypeId: string;
  Comparator: string;
  IntegerValues?: number[];
  LocaleValues?: { Country: string; Subdivision?: string }[];
  ActionsGuarded?: string;
}

/** The parameters a HIT type fixes. */
export interface HitType {
  id: string;
  title: string;
  description: string;
  keywords?: string;
  rewardCents: number;
  assignmentDurationSeconds: number;
  autoApprovalDelaySeconds: number;
  requirements: StoredRequirement[];
}

/** One HIT. Times in epoch ms of the emulator clock. */
export interface Hit {
  id: string;
  type: HitType;
  question: string;
  externalUrl?: string;
  maxAssignments: number;
  creationMs: number;
  expirationMs: number;
  requesterAnnotation?: string;
  reviewing: boolean;
  disposed: boolean;
}

/** One assignment. */
export interface Assignment {
  id: string;
  hitId: string;
  workerId: string;
  status: AssignmentStatus;
  acceptMs: number;
  deadlineMs: number;
  submitMs?: number;
  autoApprovalMs?: number;
  approvalMs?: number;
  rejectionMs?: number;
  answer?: string;
  requesterFeedback?: string;
}

/** Whole emulator state, exposed to tests for inspection. */
export interface EmulatorState {
  balanceCents: number;
  hitTypes: Map<string, HitType>;
  hits: Map<string, Hit>;
  assignments: Map<string, Assignment>;
  qualificationTypes: Map<string, { id: string; name: string; description: string; status: string; creationMs: number }>;
  /** qualificationTypeId -> workerId -> { value, grantMs } */
  grants: Map<string, Map<string, { value: number; grantMs: number }>>;
  /** System qualification values per worker (locale, approval rate, approved count) set by tests. */
  workers: Map<string, { locale?: { Country: string; Subdivision?: string }; values: Record<string, number> }>;
  blocks: Map<string, string>;
  bonuses: { workerId: string; assignmentId: string; amountCents: number; reason: string; grantMs: number }[];
  notifications: { subject: string; message: string; workerIds: string[] }[];
  /** `${operation}:${token}` -> result id and when it was first used. */
  requestTokens: Map<string, { resultId: string; atMs: number }>;
}

/** Fresh empty state. */
export function createState(balanceCents: number): EmulatorState {
  return {
    balanceCents,
    hitTypes: new Map(),
    hits: new Map(),
    assignments: new Map(),
    qualificationTypes: new Map(),
    grants: new Map(),
    workers: new Map(),
    blocks: new Map(),
    bonuses: [],
    notifications: [],
    requestTokens: new Map(),
  };
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A 30-char [A-Z0-9] id, MTurk's id shape. */
export function newId(): string {
  return [...randomBytes(30)].map((b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('');
}

/** Assignments of a HIT. */
export function assignmentsOf(state: EmulatorState, hitId: string): Assignment[] {
  return [...state.assignments.values()].filter((a) => a.hitId === hitId);
}

/** Applies time-driven transitions: abandoned assignments free their slot, submitted work auto-approves. */
export function applyClock(state: EmulatorState, nowMs: number, approve: (a: Assignment) => void): void {
  for (const a of state.assignments.values()) {
    if (a.status === 'Accepted' && nowMs > a.deadlineMs) state.assignments.delete(a.id);
    else if (a.status === 'Submitted' && a.autoApprovalMs !== undefined && nowMs >= a.autoApprovalMs) approve(a);
  }
}

/** Derived HIT status: MTurk computes it from slots, expiry and submitted work. */
export function hitStatus(state: EmulatorState, hit: Hit, nowMs: number): HitStatus {
  if (hit.disposed) return 'Disposed';
  if (hit.reviewing) return 'Reviewing';
  const assignments = assignmentsOf(state, hit.id);
  const inProgress = assignments.some((a) => a.status === 'Accepted');
  const expired = nowMs >= hit.expirationMs;
  if (!expired && assignments.length < hit.maxAssignments) return 'Assignable';
  return inProgress ? 'Unassignable' : 'Reviewable';
}

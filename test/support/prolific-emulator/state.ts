/** In-memory state of the Prolific emulator, as its API would hold it. */
export interface Study {
  id: string;
  name: string;
  internal_name: string;
  description: string;
  external_study_url: string;
  prolific_id_option: string;
  completion_codes: { code: string; code_type: string; actions: { action: string }[] }[];
  reward: number;
  total_available_places: number;
  estimated_completion_time: number;
  maximum_allowed_time: number;
  filters: unknown[];
  status: 'UNPUBLISHED' | 'ACTIVE' | 'AWAITING REVIEW' | 'COMPLETED';
  createdAt: number;
}

export type SubmissionStatus = 'RESERVED' | 'ACTIVE' | 'TIMED-OUT' | 'AWAITING REVIEW' | 'APPROVED' | 'RETURNED' | 'REJECTED' | 'SCREENED OUT';

export interface Submission {
  id: string;
  study_id: string;
  participant_id: string;
  status: SubmissionStatus;
  started_at: number;
  completed_at: number | null;
  entered_code: string | null;
  /** When it entered AWAITING REVIEW (auto-approval counts from here). */
  reviewFrom: number | null;
  message?: string;
  rejection_category?: string;
}

export interface BonusPayment {
  id: string;
  study: string;
  lines: { participantId: string; cents: number }[];
  amount: number;
  fees: number;
  total_amount: number;
}

export interface HookSubscription {
  id: string;
  event_type: string;
  target_url: string;
  secret: string;
  is_enabled: boolean;
}

export interface ProlificState {
  studies: Map<string, Study>;
  submissions: Map<string, Submission>;
  bonusPayments: Map<string, BonusPayment>;
  /** Every pay call that went through, in order: paying one bonus payment twice pays twice, as on Prolific. */
  paid: { bonusPaymentId: string; participantId: string; cents: number }[];
  /** The submission ids of every bulk-approve call. */
  bulkApprovals: string[][];
  /** The workspace's hook secret, once created. */
  hookSecret: string | null;
  hooks: Map<string, HookSubscription>;
  /** Every hook delivery attempt with its response status. */
  deliveries: { subscriptionId: string; body: string; status: number }[];
  nextId: () => string;
}

export function createState(): ProlificState {
  let n = 0;
  return {
    studies: new Map(),
    submissions: new Map(),
    bonusPayments: new Map(),
    paid: [],
    bulkApprovals: [],
    hookSecret: null,
    hooks: new Map(),
    deliveries: [],
    // Prolific ids are 24 hex characters.
    nextId: () => (++n).toString(16).padStart(24, '0'),
  };
}

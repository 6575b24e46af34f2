/**
 * The crowd channel contract: how the server hands work to an external crowd marketplace and takes back only work
 * the marketplace itself confirms. A channel publishes units of work (MTurk's HITs, Prolific's studies), each with a
 * number of places (assignments; places) that workers fill with submissions; the commands speak only this contract,
 * and each adapter brings its own publish settings, fees and words. Every creating or paying call is idempotent by a
 * token the caller derives deterministically (or, where the marketplace has none, by a decision recorded before the
 * call), so a retry after a crash never duplicates a unit or a payment.
 */
import { z } from 'zod';
import { moneyAmount } from './money.ts';

/** What every channel's publish settings hold; each adapter extends it with its own. */
export const basePublishOptionsSchema = z.object({
  itemsPerHit: z.number().int().min(1).max(100).default(5),
  /** Reward per place (assignment, participant) as a money string. */
  reward: moneyAmount,
  title: z.string().min(1).max(128),
  description: z.string().min(1).max(2000),
  /** Time a worker has once they start (MTurk's assignment duration; Prolific's is derived from the estimate). */
  assignmentDurationSeconds: z
    .number()
    .int()
    .min(30)
    .max(365 * 24 * 3600)
    .default(3600),
  /** How long the work stays open (MTurk expires the HIT; a Prolific study is stopped by expire, and we take no more). */
  lifetimeSeconds: z
    .number()
    .int()
    .min(30)
    .max(365 * 24 * 3600)
    .default(7 * 24 * 3600),
  /** Most this publish may cost, rewards and fees included. */
  budget: moneyAmount,
  /** A qualification test: the batch should be made of gold items; passing grants our qualification. */
  purpose: z.enum(['work', 'qualification']).default('work'),
});
export type BasePublishOptions = z.infer<typeof basePublishOptionsSchema>;

/** The words an admin reads for a channel's things, singular and plural. */
export interface ChannelVocabulary {
  marketplace: string;
  unit: string;
  units: string;
  place: string;
  places: string;
  submission: string;
  submissions: string;
  worker: string;
}

/** One unit of work a publish will create. */
export interface PlannedUnit {
  index: number;
  itemIds: string[];
  /** How many workers may each submit it once (MaxAssignments, total_available_places). */
  places: number;
  /** Deterministic per batch and index, so a retry finds the unit an earlier attempt created. */
  token: string;
}

/** One unit to publish. */
export interface PublishRequest<Options> {
  token: string;
  /** Our worker page; the marketplace adds its own worker, unit and submission parameters. */
  taskUrl: string;
  frameHeight: number;
  places: number;
  options: Options;
  /** Our qualification on the channel, when the options ask for it (see requiresOwnQualification). */
  ownQualification?: { typeId: string; minScore: number };
}

/** A submission as the marketplace's API reports it: the only evidence crowd work happened. */
export interface CrowdAssignment {
  assignmentId: string;
  workerId: string;
  hitId: string;
  status: 'Submitted' | 'Approved' | 'Rejected';
  submittedAt: Date | null;
  /**
   * Answer fields the marketplace carried back (MTurk: our page posts the pending-submission token among them). A
   * channel that carries no answer (Prolific) leaves this empty, and the submission is matched by its id and the
   * worker the marketplace names instead.
   */
  answers: Record<string, string>;
}

/** What a cost estimate says before anything is created. */
export interface PublishCostEstimate {
  hitCount: number;
  assignmentCount: number;
  rewardTotal: string;
  fees: string;
  grandTotal: string;
  warning?: string;
  suggestion?: string;
}

/** Whether a channel is set up, and if not, what is missing in words an admin can act on. */
export type CrowdReadiness = { configured: true } | { configured: false; problem: string };

/** Operations every crowd channel adapter implements. */
export interface CrowdChannel<Options extends BasePublishOptions = BasePublishOptions> {
  /** Short name, used in worker keys (`<name>:<workerId>`) and stored with units. */
  readonly name: string;
  readonly vocabulary: ChannelVocabulary;
  /**
   * How sync knows a submission listed by the marketplace is the one our page stored: by the token our page handed
   * back inside the answer (MTurk), or by the marketplace's own submission id and the worker it names, which it hands
   * only to that worker (Prolific's SESSION_ID and PROLIFIC_PID).
   */
  readonly confirmsBy: 'answer-token' | 'worker-and-submission';
  /** Where the channel is reached (shown on the Crowd page). */
  readonly endpoint: string;
  /** The channel's publish settings; `estimateOptionsSchema` is the part that drives the cost. */
  readonly publishOptionsSchema: z.ZodType<Options, unknown>;
  readonly estimateOptionsSchema: z.ZodType<Partial<Options> & Pick<Options, 'itemsPerHit' | 'reward'>, unknown>;
  /**
   * Whether the channel can be called at all (credentials found), without calling it: the crowd page asks this
   * first and shows what to set up instead of failing every call.
   */
  readiness(): Promise<CrowdReadiness>;
  /** Available balance as a money string, or null where the marketplace's API tells none (then the budget is the cap). */
  balance(): Promise<string | null>;
  /** Splits a batch's items into units of work. */
  plan(
    itemIds: readonly string[],
    args: { batchId: string; placesPerItem: number; options: Partial<Options> & Pick<Options, 'itemsPerHit'> },
  ): PlannedUnit[];
  /** The channel's fee on one place's reward, in a unit of `places` places. */
  placeFeeCents(rewardCents: number, places: number, options?: Partial<Options>): number;
  /** The channel's fee on one bonus. */
  bonusFeeCents(bonusCents: number): number;
  /** Advice on the estimate (a fee cliff, a cheaper split), if any. */
  advice(args: {
    placesPerItem: number;
    rewardCents: number;
    placeCount: number;
    options: Partial<Options>;
  }): Pick<PublishCostEstimate, 'warning' | 'suggestion'>;
  /** Why these settings cannot be published (e.g. under the channel's minimum pay), or undefined. */
  refusal(options: Options): string | undefined;
  /** Whether these settings admit only workers who passed our qualification test. */
  requiresOwnQualification(options: Options): boolean;
  /** Publishes one unit (or finds the one an earlier attempt with the same token created); returns its id. */
  publish(request: PublishRequest<Options>): Promise<string>;
  /** Lists the unit's submitted, approved and rejected submissions. */
  listAssignments(hitId: string): Promise<CrowdAssignment[]>;
  /** Approves (an already approved submission counts as done). */
  approve(assignmentId: string, feedback: string): Promise<void>;
  /** Approves many at once, where the marketplace has a bulk call (Prolific's bulk-approve); already approved ones count as done. */
  approveMany?(assignmentIds: string[]): Promise<void>;
  /** Rejects with the reason the worker reads (an already rejected submission counts as done). */
  reject(assignmentId: string, feedback: string): Promise<void>;
  /**
   * Pays a bonus once per token. `book` records the bonus in our cost ledger under its idempotency key and says
   * whether this was the first booking: a channel whose pay call is not idempotent (Prolific) books right before
   * paying and pays only on a first booking, so a crash or retry can leave a bonus unpaid but never pays it twice.
   */
  bonus(
    args: { workerId: string; assignmentId: string; hitId: string; amount: string; reason: string; token: string },
    book: () => Promise<boolean>,
  ): Promise<void>;
  /** Ends a unit's availability now. */
  expire(hitId: string): Promise<void>;
  /** Blocks a worker from all our future work. */
  block(workerId: string, reason: string): Promise<void>;
  /** Our own qualification, where the channel has qualifications. */
  readonly qualification?: {
    /** Creates our own qualification type (granted by passing the qualification test). */
    createType(name: string, description: string): Promise<string>;
    /** Grants our qualification with a score. */
    grant(typeId: string, workerId: string, score: number): Promise<void>;
  };
}

/** A channel of any settings, as the routes and commands hold it. */
// The commands only pass a channel's own parsed options back to it, so its settings type may stay open here.
export type AnyCrowdChannel = CrowdChannel<BasePublishOptions>;

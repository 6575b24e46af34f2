import { createHash } from 'node:crypto';
import type { CrowdAssignment, CrowdChannel, CrowdReadiness, PlannedUnit, PublishRequest } from '../channel.ts';
import { moneyToCents } from '../money.ts';
import { AppError, conflict } from '../../errors.ts';
import { prolificEstimateOptionsSchema, prolificPublishOptionsSchema, type ProlificPublishOptions } from './publish-options.ts';
import { serviceFeeCents, underMinimumPay } from './fees.ts';

/** Where and how to reach Prolific (or the local emulator), and its pay rules. */
export interface ProlificConnection {
  endpoint: string;
  token: string | undefined;
  serviceFeePercent: number;
  minHourlyCents: number;
}

/** A submission as GET /studies/{id}/submissions/ lists it. */
interface ProlificSubmission {
  id: string;
  participant_id: string;
  status: string;
  completed_at?: string | null;
}

/** Prolific's statuses that carry finished work, in the contract's words; the rest (active, returned…) carry none. */
const STATUS: Record<string, CrowdAssignment['status']> = { 'AWAITING REVIEW': 'Submitted', APPROVED: 'Approved', REJECTED: 'Rejected' };

/** Prolific's minimum length of a rejection message. */
const REJECTION_MESSAGE_MIN = 100;

/** A participant's completion codes for a study: deterministic from its token, so a retried publish sends the same. */
export function completionCodesOf(token: string) {
  const digest = createHash('sha256').update(token).digest('hex').toUpperCase();
  return { completed: `C${digest.slice(0, 7)}`, failedChecks: `F${digest.slice(7, 14)}` };
}

/**
 * The Prolific adapter of the crowd channel, over its REST API with fetch. A study is created as a draft named by our
 * deterministic token (internal_name) and then published by a transition; a retry finds the study by that name
 * first, so a crash mid-publish never makes a second study. Paying a bonus is not idempotent on Prolific, so it is
 * paid only on the first booking of its idempotency key (see CrowdChannel.bonus).
 */
export class ProlificChannel implements CrowdChannel<ProlificPublishOptions> {
  readonly name = 'prolific';
  readonly vocabulary = {
    marketplace: 'Prolific',
    unit: 'study',
    units: 'studies',
    place: 'place',
    places: 'places',
    submission: 'submission',
    submissions: 'submissions',
    worker: 'participant',
  };
  readonly confirmsBy = 'worker-and-submission';
  readonly publishOptionsSchema = prolificPublishOptionsSchema;
  readonly estimateOptionsSchema = prolificEstimateOptionsSchema;
  readonly endpoint: string;

  constructor(private readonly connection: ProlificConnection) {
    this.endpoint = connection.endpoint.endsWith('/') ? connection.endpoint : `${connection.endpoint}/`;
  }

  async readiness(): Promise<CrowdReadiness> {
    return this.connection.token
      ? { configured: true }
      : { configured: false, problem: 'Set PROLIFIC_TOKEN to a Prolific API token (Settings → API tokens on Prolific) and restart the server.' };
  }

  /** Prolific's documented API names no balance call: the budget cap is the limit, and this says so with null. */
  async balance(): Promise<string | null> {
    return null;
  }

  /** One study per `itemsPerHit` items, with one place per wanted judgment of each item. */
  plan(
    itemIds: readonly string[],
    args: { batchId: string; placesPerItem: number; options: Pick<ProlificPublishOptions, 'itemsPerHit'> },
  ): PlannedUnit[] {
    const digest = createHash('sha256').update(args.batchId).digest('hex').slice(0, 24);
    const units: PlannedUnit[] = [];
    for (let start = 0; start < itemIds.length; start += args.options.itemsPerHit) {
      const index = units.length;
      units.push({
        index,
        itemIds: itemIds.slice(start, start + args.options.itemsPerHit),
        places: args.placesPerItem,
        token: `curate-p-${digest}-${index}`,
      });
    }
    return units;
  }

  placeFeeCents(rewardCents: number) {
    return serviceFeeCents(rewardCents, this.connection.serviceFeePercent);
  }

  bonusFeeCents(bonusCents: number) {
    return serviceFeeCents(bonusCents, this.connection.serviceFeePercent);
  }

  advice(args: { rewardCents: number; options: Partial<ProlificPublishOptions> }) {
    const minutes = args.options.estimatedCompletionMinutes;
    const under = minutes ? underMinimumPay(args.rewardCents, minutes, this.connection.minHourlyCents) : undefined;
    return {
      warning: `Prolific's service fee of ${this.connection.serviceFeePercent}% is included in the fees.${under ? ` ${under}.` : ''}`,
      ...(minutes ? {} : { suggestion: 'Give the estimated completion minutes to check the reward against the minimum hourly pay.' }),
    };
  }

  refusal(options: ProlificPublishOptions) {
    return underMinimumPay(moneyToCents(options.reward), options.estimatedCompletionMinutes, this.connection.minHourlyCents);
  }

  requiresOwnQualification() {
    return false;
  }

  /** Creates the study as a draft (or finds the one an earlier attempt made) and publishes it if it is still a draft. */
  async publish(request: PublishRequest<ProlificPublishOptions>): Promise<string> {
    const o = request.options;
    let study = await this.findStudyByName(request.token);
    if (!study) {
      const codes = completionCodesOf(request.token);
      const sep = request.taskUrl.includes('?') ? '&' : '?';
      study = await this.call<{ id: string; status: string }>('POST', 'studies/', {
        name: o.title,
        internal_name: request.token,
        description: o.description,
        external_study_url: `${request.taskUrl}${sep}PROLIFIC_PID={{%PROLIFIC_PID%}}&STUDY_ID={{%STUDY_ID%}}&SESSION_ID={{%SESSION_ID%}}`,
        prolific_id_option: 'url_parameters',
        completion_codes: [
          // Our gold review decides, so nothing is approved on the code alone.
          { code: codes.completed, code_type: 'COMPLETED', actions: [{ action: 'MANUALLY_REVIEW' }] },
          { code: codes.failedChecks, code_type: 'FAILED_ATTENTION_CHECK', actions: [{ action: 'MANUALLY_REVIEW' }] },
        ],
        reward: moneyToCents(o.reward),
        total_available_places: request.places,
        estimated_completion_time: o.estimatedCompletionMinutes,
        maximum_allowed_time: Math.max(o.estimatedCompletionMinutes, Math.ceil(o.assignmentDurationSeconds / 60)),
        device_compatibility: o.deviceCompatibility,
        ...(o.filters.length ? { filters: o.filters } : {}),
      });
    }
    if (study.status === 'UNPUBLISHED') await this.call('POST', `studies/${study.id}/transition/`, { action: 'PUBLISH' });
    return study.id;
  }

  private async findStudyByName(internalName: string) {
    for (let page = 1; ; page++) {
      const out = await this.call<{ results: { id: string; status: string; internal_name?: string }[]; _links?: { next?: { href: string | null } } }>(
        'GET',
        `studies/?page=${page}&page_size=100`,
      );
      const found = out.results.find((s) => s.internal_name === internalName);
      if (found) return found;
      if (!out._links?.next?.href || out.results.length === 0) return undefined;
    }
  }

  /** Every submission of the study with finished work (awaiting review, approved, rejected), page by page. */
  async listAssignments(studyId: string): Promise<CrowdAssignment[]> {
    const out: CrowdAssignment[] = [];
    for (let page = 1; ; page++) {
      const body = await this.call<{ results: ProlificSubmission[]; _links?: { next?: { href: string | null } } }>(
        'GET',
        `studies/${studyId}/submissions/?page=${page}&page_size=100`,
      );
      for (const s of body.results) {
        const status = STATUS[s.status];
        if (status)
          out.push({
            assignmentId: s.id,
            workerId: s.participant_id,
            hitId: studyId,
            status,
            submittedAt: s.completed_at ? new Date(s.completed_at) : null,
            answers: {},
          });
      }
      if (!body._links?.next?.href || body.results.length === 0) return out;
    }
  }

  /** Approves (Prolific's transition is idempotent). */
  async approve(submissionId: string): Promise<void> {
    await this.call('POST', `submissions/${submissionId}/transition/`, { action: 'APPROVE' });
  }

  /** Approves many at once, by submission id (Prolific recommends at most 1,000 a call). */
  async approveMany(submissionIds: string[]): Promise<void> {
    for (let i = 0; i < submissionIds.length; i += 1000)
      await this.call('POST', 'submissions/bulk-approve/', { submission_ids: submissionIds.slice(i, i + 1000) });
  }

  /** Rejects with our reason, lengthened to the 100 characters Prolific requires, as a failed check. */
  async reject(submissionId: string, feedback: string): Promise<void> {
    const message =
      feedback.length >= REJECTION_MESSAGE_MIN
        ? feedback
        : `${feedback} Your answers to the check questions embedded in this study, whose correct answers are known, fell below the accuracy this study requires.`;
    await this.call('POST', `submissions/${submissionId}/transition/`, {
      action: 'REJECT',
      message: message.padEnd(REJECTION_MESSAGE_MIN, '.'),
      rejection_category: 'FAILED_CHECK',
    });
  }

  /** Creates the bonus, then pays it only if this is the bonus's first booking: Prolific's pay call pays again if repeated. */
  async bonus(args: { workerId: string; hitId: string; amount: string }, book: () => Promise<boolean>): Promise<void> {
    const payment = await this.call<{ id: string }>('POST', 'submissions/bonus-payments/', {
      study_id: args.hitId,
      csv_bonuses: `${args.workerId},${args.amount}\n`,
    });
    if (!(await book())) return;
    await this.call('POST', `bulk-bonus-payments/${payment.id}/pay/`, {});
  }

  /** Stops the study now (Prolific has no expiry; work already submitted still syncs). */
  async expire(studyId: string): Promise<void> {
    await this.call('POST', `studies/${studyId}/transition/`, { action: 'STOP' });
  }

  /** Prolific's documented API has no requester-side block call, so a block is refused rather than pretended. */
  async block(): Promise<void> {
    throw conflict("Prolific's API offers no block call: exclude the participant with a study filter or a blocklist on Prolific itself");
  }

  /**
   * Subscribes `submission.status.change` deliveries to targetUrl for the workspace: creates the workspace's hook secret
   * (Prolific keeps one active a workspace), subscribes, and confirms the subscription with the X-Hook-Secret it
   * answers. Returns the secret the deliveries are signed with.
   */
  async subscribeHooks(args: { workspaceId: string; targetUrl: string }): Promise<{ subscriptionId: string; secret: string }> {
    await this.exchange('POST', 'hooks/secrets/', { workspace_id: args.workspaceId });
    const subscribed = await this.exchange<{ id: string }>('POST', 'hooks/subscriptions/', {
      workspace_id: args.workspaceId,
      event_type: 'submission.status.change',
      target_url: args.targetUrl,
    });
    const secret = subscribed.headers.get('X-Hook-Secret');
    if (!secret) throw new AppError(502, 'crowd_refused', 'Prolific subscribed the hook but sent no X-Hook-Secret to confirm it with');
    await this.call('POST', `hooks/subscriptions/${subscribed.data.id}/`, { secret });
    return { subscriptionId: subscribed.data.id, secret };
  }

  private async call<T = unknown>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    return (await this.exchange<T>(method, path, body)).data;
  }

  private async exchange<T = unknown>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ data: T; headers: Headers }> {
    if (!this.connection.token)
      throw new AppError(503, 'crowd_credentials', 'Set PROLIFIC_TOKEN to a Prolific API token to use the Prolific channel');
    let res: Response;
    try {
      res = await fetch(new URL(path, this.endpoint), {
        method,
        headers: { Authorization: `Token ${this.connection.token}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new AppError(502, 'crowd_unreachable', `The Prolific API at ${this.endpoint} cannot be reached: ${(error as Error).message}`);
    }
    const text = await res.text();
    if (!res.ok) throw new AppError(502, 'crowd_refused', `Prolific refused ${method} ${path} (${res.status}): ${text.slice(0, 500)}`);
    return { data: (text ? JSON.parse(text) : {}) as T, headers: res.headers };
  }
}

import {
  ApproveAssignmentCommand,
  AssociateQualificationWithWorkerCommand,
  CreateHITCommand,
  CreateQualificationTypeCommand,
  CreateWorkerBlockCommand,
  GetAccountBalanceCommand,
  ListAssignmentsForHITCommand,
  ListHITsCommand,
  MTurkClient,
  RejectAssignmentCommand,
  SendBonusCommand,
  UpdateExpirationForHITCommand,
  type Assignment,
} from '@aws-sdk/client-mturk';
import { parseQuestionFormAnswers } from './question-form-answers.ts';
import { buildExternalQuestion } from './external-question.ts';
import { connectionFailure } from './connection-errors.ts';
import type { CrowdAssignment, CrowdChannel, CrowdReadiness, PublishRequest } from '../channel.ts';
import { AppError } from '../../errors.ts';
import { mturkEstimateOptionsSchema, mturkPublishOptionsSchema, type MturkPublishOptions } from './publish-options.ts';
import { planHits } from './hit-plan.ts';
import { assignmentFeeCents, bonusFeeCents, feeCliffAdvice } from './fees.ts';
import { buildQualificationRequirements } from './qualification-requirements.ts';

/** Where and how to reach MTurk (or any MTurk-compatible endpoint). */
export interface MturkConnection {
  endpoint: string;
  region: string;
}

const isLoopback = (url: string) => ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);

/**
 * The MTurk adapter of the crowd channel, on the real AWS SDK. Every call that creates or pays carries a
 * deterministic idempotency token, and MTurk's "already done" answers are read as success, so a retry after a
 * crash never duplicates a HIT or a payment.
 */
export class MturkChannel implements CrowdChannel<MturkPublishOptions> {
  readonly name = 'mturk';
  readonly vocabulary = {
    marketplace: 'Mechanical Turk',
    unit: 'HIT',
    units: 'HITs',
    place: 'assignment',
    places: 'assignments',
    submission: 'assignment',
    submissions: 'assignments',
    worker: 'worker',
  };
  readonly confirmsBy = 'answer-token';
  readonly publishOptionsSchema = mturkPublishOptionsSchema;
  readonly estimateOptionsSchema = mturkEstimateOptionsSchema;
  private readonly client: MTurkClient;
  readonly endpoint: string;

  constructor(connection: MturkConnection) {
    this.endpoint = connection.endpoint;
    const local = isLoopback(connection.endpoint) && !process.env.AWS_ACCESS_KEY_ID;
    this.client = new MTurkClient({
      endpoint: connection.endpoint,
      region: connection.region,
      // A local emulator takes any credentials; real endpoints use the standard AWS credential chain.
      ...(local ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    });
    // Outermost step, so it also sees failures of credential resolution and of the connection itself.
    this.client.middlewareStack.add(
      (next) => async (args) => {
        try {
          return await next(args);
        } catch (error) {
          throw connectionFailure(error, connection.endpoint);
        }
      },
      { step: 'initialize', name: 'connectionFailure' },
    );
  }

  async readiness(): Promise<CrowdReadiness> {
    try {
      // The SDK's own credential chain (env, profile, SSO, instance role), exactly as every call resolves it.
      await this.client.config.credentials();
      return { configured: true };
    } catch (error) {
      const failure = connectionFailure(error, this.endpoint);
      if (failure instanceof AppError && failure.id === 'crowd_credentials') return { configured: false, problem: failure.message };
      throw failure;
    }
  }

  async balance(): Promise<string> {
    const out = await this.client.send(new GetAccountBalanceCommand({}));
    return out.AvailableBalance ?? '0.00';
  }

  plan(
    itemIds: readonly string[],
    args: { batchId: string; placesPerItem: number; options: Partial<MturkPublishOptions> & Pick<MturkPublishOptions, 'itemsPerHit'> },
  ) {
    return planHits(itemIds, {
      batchId: args.batchId,
      itemsPerHit: args.options.itemsPerHit,
      assignmentsPerItem: args.placesPerItem,
      splitAtFeeCliff: args.options.splitAtFeeCliff,
    }).map((h) => ({
      index: h.index,
      itemIds: h.itemIds,
      places: h.maxAssignments,
      token: h.uniqueRequestToken,
    }));
  }

  placeFeeCents(rewardCents: number, places: number, options?: Partial<MturkPublishOptions>) {
    return assignmentFeeCents(rewardCents, places, !!options?.masters);
  }

  bonusFeeCents(bonusCents: number) {
    return bonusFeeCents(bonusCents);
  }

  /** Warns about the 10-assignment fee cliff when the HITs are not split at it. */
  advice(args: { placesPerItem: number; rewardCents: number; placeCount: number; options: Partial<MturkPublishOptions> }) {
    return args.options.splitAtFeeCliff ? {} : feeCliffAdvice(args.rewardCents, args.placesPerItem, args.placeCount, !!args.options.masters);
  }

  refusal(): string | undefined {
    return undefined;
  }

  requiresOwnQualification(options: MturkPublishOptions) {
    return options.qualifications.requireOurQualification;
  }

  /** Creates a HIT whose ExternalQuestion frames our page, or finds the one an earlier attempt with the same token created. */
  async publish(request: PublishRequest<MturkPublishOptions>): Promise<string> {
    const o = request.options;
    try {
      const out = await this.client.send(
        new CreateHITCommand({
          UniqueRequestToken: request.token,
          RequesterAnnotation: request.token,
          Question: buildExternalQuestion(request.taskUrl, request.frameHeight),
          MaxAssignments: request.places,
          Reward: o.reward,
          Title: o.title,
          Description: o.description,
          Keywords: o.keywords,
          LifetimeInSeconds: o.lifetimeSeconds,
          AssignmentDurationInSeconds: o.assignmentDurationSeconds,
          AutoApprovalDelayInSeconds: o.autoApprovalDelaySeconds,
          QualificationRequirements: buildQualificationRequirements({
            locales: o.qualifications.locales,
            minApprovalRatePercent: o.qualifications.minApprovalRate,
            minApprovedCount: o.qualifications.minApprovedHits,
            ownQualification: request.ownQualification,
          }),
        }),
      );
      return out.HIT!.HITId!;
    } catch (error) {
      if (turkErrorCode(error) !== 'AWS.MechanicalTurk.HitAlreadyExists' && !/HitAlreadyExists/.test(turkErrorCode(error) ?? '')) throw error;
      return this.findHitByAnnotation(request.token, error);
    }
  }

  private async findHitByAnnotation(token: string, original: unknown): Promise<string> {
    const fromMessage = /HITId:?\s*([A-Z0-9]{10,})/i.exec((original as Error).message ?? '')?.[1];
    if (fromMessage) return fromMessage;
    let NextToken: string | undefined;
    do {
      const page = await this.client.send(new ListHITsCommand({ MaxResults: 100, NextToken }));
      const hit = page.HITs?.find((h) => h.RequesterAnnotation === token);
      if (hit?.HITId) return hit.HITId;
      NextToken = page.NextToken;
    } while (NextToken);
    throw original;
  }

  /** Every submitted, approved or rejected assignment of a HIT (accepted-but-unsubmitted ones MTurk never lists). */
  async listAssignments(hitId: string): Promise<CrowdAssignment[]> {
    const out: CrowdAssignment[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListAssignmentsForHITCommand({ HITId: hitId, MaxResults: 100, NextToken, AssignmentStatuses: ['Submitted', 'Approved', 'Rejected'] }),
      );
      for (const a of page.Assignments ?? []) out.push(toAssignment(a));
      NextToken = page.NextToken;
    } while (NextToken);
    return out;
  }

  /** Approves; an assignment already approved counts as done. */
  async approve(assignmentId: string, feedback: string): Promise<void> {
    await this.tolerate(
      () => this.client.send(new ApproveAssignmentCommand({ AssignmentId: assignmentId, RequesterFeedback: feedback })),
      /approved|status of: Approved/i,
    );
  }

  /** Rejects with the reason the worker will read; an assignment already rejected counts as done. */
  async reject(assignmentId: string, feedback: string): Promise<void> {
    await this.tolerate(
      () => this.client.send(new RejectAssignmentCommand({ AssignmentId: assignmentId, RequesterFeedback: feedback })),
      /rejected|status of: Rejected/i,
    );
  }

  /** Pays a bonus once per token (MTurk's own idempotency, so the booking waits for the caller); a token already processed means it was paid. */
  async bonus(args: { workerId: string; assignmentId: string; amount: string; reason: string; token: string }): Promise<void> {
    await this.tolerate(
      () =>
        this.client.send(
          new SendBonusCommand({
            WorkerId: args.workerId,
            AssignmentId: args.assignmentId,
            BonusAmount: args.amount,
            Reason: args.reason,
            UniqueRequestToken: args.token,
          }),
        ),
      /already been processed|idempotency/i,
    );
  }

  /** Ends a HIT's availability now. */
  async expire(hitId: string): Promise<void> {
    await this.client.send(new UpdateExpirationForHITCommand({ HITId: hitId, ExpireAt: new Date(0) }));
  }

  /** Blocks a worker from all of the requester's HITs. */
  async block(workerId: string, reason: string): Promise<void> {
    await this.client.send(new CreateWorkerBlockCommand({ WorkerId: workerId, Reason: reason }));
  }

  readonly qualification = {
    /** Creates the project's own qualification type (granted by passing the gold-based qualification test). */
    createType: async (name: string, description: string): Promise<string> => {
      const out = await this.client.send(
        new CreateQualificationTypeCommand({ Name: name, Description: description, QualificationTypeStatus: 'Active', Keywords: 'curate' }),
      );
      return out.QualificationType!.QualificationTypeId!;
    },
    /** Grants the qualification with a score (e.g. gold accuracy in percent). */
    grant: async (typeId: string, workerId: string, score: number): Promise<void> => {
      await this.client.send(
        new AssociateQualificationWithWorkerCommand({
          QualificationTypeId: typeId,
          WorkerId: workerId,
          IntegerValue: score,
          SendNotification: false,
        }),
      );
    },
  };

  private async tolerate(call: () => Promise<unknown>, alreadyDone: RegExp) {
    try {
      await call();
    } catch (error) {
      if (!alreadyDone.test((error as Error).message ?? '')) throw error;
    }
  }
}

function toAssignment(a: Assignment): CrowdAssignment {
  let answers: Record<string, string> = {};
  try {
    answers = a.Answer ? parseQuestionFormAnswers(a.Answer) : {};
  } catch {
    // An answer we cannot parse carries no token: the assignment matches no submission and is held for a human.
  }
  return {
    assignmentId: a.AssignmentId!,
    workerId: a.WorkerId!,
    hitId: a.HITId!,
    status: a.AssignmentStatus as CrowdAssignment['status'],
    submittedAt: a.SubmitTime ?? null,
    answers,
  };
}

function turkErrorCode(error: unknown): string | undefined {
  return (error as { TurkErrorCode?: string }).TurkErrorCode;
}

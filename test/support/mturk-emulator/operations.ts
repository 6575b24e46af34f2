import { assignmentFeeCents, bonusFeeCents } from '../../../server/crowd/mturk/fees.ts';
import { centsToMoney } from '../../../server/crowd/money.ts';
import type { Operation } from './protocol.ts';
import { requestError } from './protocol.ts';
import type { Assignment, EmulatorState, Hit, HitType, StoredRequirement } from './state.ts';
import { applyClock, assignmentsOf, hitStatus, newId } from './state.ts';
import { int, money, parseExternalQuestion, str } from './validation.ts';

/** What operations need from the emulator: its state and clock (epoch ms). */
export interface OperationContext {
  state: EmulatorState;
  now: () => number;
}

/** UniqueRequestTokens are remembered for 24 h (MTURK.md §4). */
const TOKEN_TTL_MS = 24 * 3600 * 1000;
const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);
const statusError = (current: string, allowed: string, code = 'InvalidAssignmentState') =>
  requestError(code, `This operation can be called with a status of: ${allowed}. Current status: ${current}.`);

/** Builds the requester operation table over one emulator state, plus `tick` to apply time-driven transitions. */
export function createOperations({ state, now }: OperationContext): { ops: Record<string, Operation>; tick: () => void } {
  const charge = (cents: number) => {
    if (cents > state.balanceCents) throw requestError('InsufficientFunds', 'You do not have enough funds for this operation.');
    state.balanceCents -= cents;
  };
  const approve = (a: Assignment) => {
    const hit = state.hits.get(a.hitId)!;
    charge(hit.type.rewardCents + assignmentFeeCents(hit.type.rewardCents, hit.maxAssignments));
    a.status = 'Approved';
    a.approvalMs = now();
  };
  /** Every call first lets time-driven transitions happen, like the real service's background jobs. */
  const tick = () => applyClock(state, now(), approve);

  const getHit = (id: string): Hit => {
    const hit = state.hits.get(id);
    if (!hit || hit.disposed) throw requestError('HITDoesNotExist', `Hit ${id} does not exist.`);
    return hit;
  };
  const getAssignment = (id: string): Assignment => {
    const a = state.assignments.get(id);
    if (!a || a.status === 'Accepted') throw requestError('AssignmentDoesNotExist', `Assignment ${id} does not exist.`);
    return a;
  };
  /** Duplicate token within 24 h → RequestError naming the first result, which is kept (MTURK.md §4). */
  const claimToken = (operation: string, token: string | undefined, duplicate: (firstId: string) => Error) => {
    if (token === undefined) return (_id: string) => {};
    if (token.length < 1 || token.length > 64) throw requestError('InvalidParameterValue', 'UniqueRequestToken must be 1-64 characters.');
    const key = `${operation}:${token}`;
    const seen = state.requestTokens.get(key);
    if (seen && now() - seen.atMs < TOKEN_TTL_MS) throw duplicate(seen.resultId);
    return (resultId: string) => state.requestTokens.set(key, { resultId, atMs: now() });
  };

  const hitTypeFrom = (input: Record<string, unknown>): HitType => ({
    id: newId(),
    title: str(input, 'Title', true),
    description: str(input, 'Description', true),
    keywords: str(input, 'Keywords'),
    rewardCents: money(input, 'Reward'),
    assignmentDurationSeconds: int(input, 'AssignmentDurationInSeconds', 30, 31536000),
    autoApprovalDelaySeconds: int(input, 'AutoApprovalDelayInSeconds', 0, 2592000, 2592000),
    requirements: (input.QualificationRequirements ?? []) as StoredRequirement[],
  });
  const createHit = (type: HitType, input: Record<string, unknown>, operation: string) => {
    const record = claimToken(operation, str(input, 'UniqueRequestToken'), (firstId) =>
      requestError('HitAlreadyExists', `There is already a HIT with this unique request token. HITId: ${firstId}`),
    );
    const question = str(input, 'Question', true);
    const hit: Hit = {
      id: newId(),
      type,
      question,
      externalUrl: parseExternalQuestion(question),
      maxAssignments: int(input, 'MaxAssignments', 1, 1000000, 1),
      creationMs: now(),
      expirationMs: now() + int(input, 'LifetimeInSeconds', 30, 31536000) * 1000,
      requesterAnnotation: str(input, 'RequesterAnnotation'),
      reviewing: false,
      disposed: false,
    };
    state.hits.set(hit.id, hit);
    record(hit.id);
    return { HIT: serializeHit(hit) };
  };
  const serializeHit = (hit: Hit) => {
    const assignments = assignmentsOf(state, hit.id);
    const count = (...statuses: string[]) => assignments.filter((a) => statuses.includes(a.status)).length;
    return {
      HITId: hit.id,
      HITTypeId: hit.type.id,
      HITGroupId: `G${hit.type.id.slice(1)}`,
      CreationTime: seconds(hit.creationMs),
      Title: hit.type.title,
      Description: hit.type.description,
      Question: hit.question,
      Keywords: hit.type.keywords,
      HITStatus: hitStatus(state, hit, now()),
      MaxAssignments: hit.maxAssignments,
      Reward: centsToMoney(hit.type.rewardCents),
      AutoApprovalDelayInSeconds: hit.type.autoApprovalDelaySeconds,
      Expiration: seconds(hit.expirationMs),
      AssignmentDurationInSeconds: hit.type.assignmentDurationSeconds,
      RequesterAnnotation: hit.requesterAnnotation,
      QualificationRequirements: hit.type.requirements,
      HITReviewStatus: 'NotReviewed',
      NumberOfAssignmentsPending: count('Accepted'),
      NumberOfAssignmentsAvailable: now() >= hit.expirationMs ? 0 : hit.maxAssignments - assignments.length,
      NumberOfAssignmentsCompleted: count('Approved', 'Rejected'),
    };
  };
  const serializeAssignment = (a: Assignment) => ({
    AssignmentId: a.id,
    WorkerId: a.workerId,
    HITId: a.hitId,
    AssignmentStatus: a.status,
    AutoApprovalTime: seconds(a.autoApprovalMs),
    AcceptTime: seconds(a.acceptMs),
    SubmitTime: seconds(a.submitMs),
    ApprovalTime: seconds(a.approvalMs),
    RejectionTime: seconds(a.rejectionMs),
    Deadline: seconds(a.deadlineMs),
    Answer: a.answer,
    RequesterFeedback: a.requesterFeedback,
  });
  /** Opaque NextToken paging; MaxResults default 10, max 100 (MTURK.md §9.2). */
  const page = <T>(items: T[], input: Record<string, unknown>) => {
    const max = int(input, 'MaxResults', 1, 100, 10);
    const token = str(input, 'NextToken');
    const offset = token === undefined ? 0 : Number(Buffer.from(token, 'base64url').toString());
    if (!Number.isInteger(offset) || offset < 0) throw requestError('InvalidParameterValue', 'Invalid NextToken.');
    const slice = items.slice(offset, offset + max);
    const next = offset + max < items.length ? Buffer.from(String(offset + max)).toString('base64url') : undefined;
    return { slice, NextToken: next, NumResults: slice.length };
  };
  const grantsOf = (typeId: string) => {
    if (!state.qualificationTypes.has(typeId)) throw requestError('InvalidParameterValue', `QualificationType ${typeId} does not exist.`);
    let grants = state.grants.get(typeId);
    if (!grants) state.grants.set(typeId, (grants = new Map()));
    return grants;
  };

  const ops: Record<string, Operation> = {
    CreateHITType: (input) => {
      const type = hitTypeFrom(input);
      state.hitTypes.set(type.id, type);
      return { HITTypeId: type.id };
    },
    CreateHIT: (input) => createHit(hitTypeFrom(input), input, 'CreateHIT'),
    CreateHITWithHITType: (input) => {
      const type = state.hitTypes.get(str(input, 'HITTypeId', true));
      if (!type) throw requestError('InvalidParameterValue', `HITType ${String(input.HITTypeId)} does not exist.`);
      return createHit(type, input, 'CreateHITWithHITType');
    },
    GetHIT: (input) => ({ HIT: serializeHit(getHit(str(input, 'HITId', true))) }),
    ListHITs: (input) => {
      const { slice, ...rest } = page(
        [...state.hits.values()].filter((h) => !h.disposed),
        input,
      );
      return { ...rest, HITs: slice.map(serializeHit) };
    },
    ListAssignmentsForHIT: (input) => {
      const hit = getHit(str(input, 'HITId', true));
      const wanted = (input.AssignmentStatuses as string[] | undefined) ?? ['Submitted', 'Approved', 'Rejected'];
      const visible = assignmentsOf(state, hit.id).filter((a) => a.status !== 'Accepted' && wanted.includes(a.status));
      const { slice, ...rest } = page(visible, input);
      return { ...rest, Assignments: slice.map(serializeAssignment) };
    },
    GetAssignment: (input) => {
      const a = getAssignment(str(input, 'AssignmentId', true));
      return { Assignment: serializeAssignment(a), HIT: serializeHit(state.hits.get(a.hitId)!) };
    },
    ApproveAssignment: (input) => {
      const a = getAssignment(str(input, 'AssignmentId', true));
      const override = input.OverrideRejection === true && a.status === 'Rejected';
      if (a.status !== 'Submitted' && !override) throw statusError(a.status, 'Submitted');
      approve(a);
      a.requesterFeedback = str(input, 'RequesterFeedback') ?? a.requesterFeedback;
    },
    RejectAssignment: (input) => {
      const a = getAssignment(str(input, 'AssignmentId', true));
      const feedback = str(input, 'RequesterFeedback', true);
      if (a.status !== 'Submitted') throw statusError(a.status, 'Submitted');
      a.status = 'Rejected';
      a.rejectionMs = now();
      a.requesterFeedback = feedback;
    },
    SendBonus: (input) => {
      const workerId = str(input, 'WorkerId', true);
      const a = getAssignment(str(input, 'AssignmentId', true));
      const amountCents = money(input, 'BonusAmount');
      const reason = str(input, 'Reason', true);
      if (a.workerId !== workerId) throw requestError('InvalidParameterValue', `Assignment ${a.id} does not belong to worker ${workerId}.`);
      if (a.status !== 'Approved') throw statusError(a.status, 'Approved');
      const token = str(input, 'UniqueRequestToken');
      const record = claimToken('SendBonus', token, () =>
        requestError('InvalidParameterValue', `The idempotency token "${token}" has already been processed.`),
      );
      charge(amountCents + bonusFeeCents(amountCents));
      state.bonuses.push({ workerId, assignmentId: a.id, amountCents, reason, grantMs: now() });
      record(a.id);
    },
    ListBonusPayments: (input) => {
      const hitId = str(input, 'HITId');
      const assignmentId = str(input, 'AssignmentId');
      const matching = state.bonuses.filter((b) =>
        assignmentId ? b.assignmentId === assignmentId : state.assignments.get(b.assignmentId)?.hitId === hitId,
      );
      const { slice, ...rest } = page(matching, input);
      return {
        ...rest,
        BonusPayments: slice.map((b) => ({
          WorkerId: b.workerId,
          BonusAmount: centsToMoney(b.amountCents),
          AssignmentId: b.assignmentId,
          Reason: b.reason,
          GrantTime: seconds(b.grantMs),
        })),
      };
    },
    GetAccountBalance: () => ({ AvailableBalance: centsToMoney(state.balanceCents) }),
    UpdateExpirationForHIT: (input) => {
      const hit = getHit(str(input, 'HITId', true));
      const expireAt = input.ExpireAt;
      if (typeof expireAt !== 'number') throw requestError('InvalidParameterValue', 'ExpireAt must be a timestamp.');
      hit.expirationMs = Math.max(Math.round(expireAt * 1000), Math.min(now(), hit.expirationMs));
    },
    UpdateHITReviewStatus: (input) => {
      const hit = getHit(str(input, 'HITId', true));
      const status = hitStatus(state, hit, now());
      if (status !== 'Reviewable' && status !== 'Reviewing') throw statusError(status, 'Reviewing, Reviewable', 'InvalidHITState');
      hit.reviewing = input.Revert !== true;
    },
    DeleteHIT: (input) => {
      const hit = getHit(str(input, 'HITId', true));
      const status = hitStatus(state, hit, now());
      if (status !== 'Reviewable' && status !== 'Reviewing') throw statusError(status, 'Reviewing, Reviewable', 'InvalidHITState');
      if (assignmentsOf(state, hit.id).some((a) => a.status === 'Submitted')) {
        throw requestError('InvalidHITState', 'This HIT has assignments that are Submitted; approve or reject them before deleting.');
      }
      hit.disposed = true;
    },
    CreateQualificationType: (input) => {
      const name = str(input, 'Name', true);
      if ([...state.qualificationTypes.values()].some((q) => q.name === name)) {
        throw requestError(
          'QualificationTypeAlreadyExists',
          "You have already created a QualificationType with this name. A QualificationType's name must be unique among all of the QualificationTypes created by the same user.",
        );
      }
      const q = {
        id: newId(),
        name,
        description: str(input, 'Description', true),
        status: str(input, 'QualificationTypeStatus', true),
        creationMs: now(),
      };
      state.qualificationTypes.set(q.id, q);
      return {
        QualificationType: {
          QualificationTypeId: q.id,
          CreationTime: seconds(q.creationMs),
          Name: q.name,
          Description: q.description,
          QualificationTypeStatus: q.status,
          IsRequestable: false,
          AutoGranted: false,
        },
      };
    },
    AssociateQualificationWithWorker: (input) => {
      const typeId = str(input, 'QualificationTypeId', true);
      const workerId = str(input, 'WorkerId', true);
      grantsOf(typeId).set(workerId, { value: int(input, 'IntegerValue', -2147483648, 2147483647, 1), grantMs: now() });
    },
    DisassociateQualificationFromWorker: (input) => {
      const typeId = str(input, 'QualificationTypeId', true);
      const workerId = str(input, 'WorkerId', true);
      grantsOf(typeId).delete(workerId);
    },
    ListWorkersWithQualificationType: (input) => {
      const typeId = str(input, 'QualificationTypeId', true);
      const grants = [...(state.grants.get(typeId) ?? new Map<string, { value: number; grantMs: number }>()).entries()];
      const { slice, ...rest } = page(grants, input);
      return {
        ...rest,
        Qualifications: slice.map(([workerId, g]) => ({
          QualificationTypeId: typeId,
          WorkerId: workerId,
          GrantTime: seconds(g.grantMs),
          IntegerValue: g.value,
          Status: 'Granted',
        })),
      };
    },
    CreateWorkerBlock: (input) => {
      state.blocks.set(str(input, 'WorkerId', true), str(input, 'Reason', true));
    },
    DeleteWorkerBlock: (input) => {
      state.blocks.delete(str(input, 'WorkerId', true));
    },
    ListWorkerBlocks: (input) => {
      const { slice, ...rest } = page([...state.blocks.entries()], input);
      return { ...rest, WorkerBlocks: slice.map(([WorkerId, Reason]) => ({ WorkerId, Reason })) };
    },
    NotifyWorkers: (input) => {
      const workerIds = (input.WorkerIds ?? []) as string[];
      if (!Array.isArray(workerIds) || workerIds.length < 1 || workerIds.length > 100)
        throw requestError('InvalidParameterValue', 'WorkerIds must list 1-100 workers.');
      state.notifications.push({ subject: str(input, 'Subject', true), message: str(input, 'MessageText', true), workerIds });
      return { NotifyWorkersFailureStatuses: [] };
    },
  };
  const ticking = Object.fromEntries(Object.entries(ops).map(([name, op]) => [name, (input: Record<string, unknown>) => (tick(), op(input))]));
  return { ops: ticking, tick };
}

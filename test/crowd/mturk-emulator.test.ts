import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApproveAssignmentCommand,
  AssociateQualificationWithWorkerCommand,
  CreateHITCommand,
  CreateQualificationTypeCommand,
  CreateWorkerBlockCommand,
  DeleteHITCommand,
  GetAccountBalanceCommand,
  GetAssignmentCommand,
  GetHITCommand,
  ListAssignmentsForHITCommand,
  MTurkClient,
  RejectAssignmentCommand,
  RequestError,
  SendBonusCommand,
  UpdateExpirationForHITCommand,
} from '@aws-sdk/client-mturk';
import type { CreateHITCommandInput } from '@aws-sdk/client-mturk';
import { startMturkEmulator } from '../support/mturk-emulator/index.ts';
import type { MturkEmulator } from '../support/mturk-emulator/index.ts';
import { buildExternalQuestion } from '../../server/crowd/mturk/external-question.ts';
import { parseQuestionFormAnswers } from '../../server/crowd/mturk/question-form-answers.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

let emu: MturkEmulator;
let client: MTurkClient;
const T0 = Date.UTC(2026, 10, 25);

beforeAll(async () => {
  emu = await startMturkEmulator({ balance: '100.00', clock: () => T0 });
  client = new MTurkClient({ endpoint: emu.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
});
afterAll(async () => {
  client.destroy();
  await emu.close();
});

const hitInput = (over: Partial<CreateHITCommandInput> = {}): CreateHITCommandInput => ({
  Title: 'Rate',
  Description: 'Rate texts',
  Reward: '0.50',
  MaxAssignments: 3,
  LifetimeInSeconds: 3600,
  AssignmentDurationInSeconds: 600,
  AutoApprovalDelayInSeconds: 86400,
  Question: buildExternalQuestion('http://127.0.0.1:5173/crowd/task?batch=1&x=2'),
  ...over,
});
const createHit = async (over: Partial<CreateHITCommandInput> = {}) => (await client.send(new CreateHITCommand(hitInput(over)))).HIT!.HITId!;

async function accept(hitId: string, workerId: string) {
  const res = await fetch(`${emu.url}/_worker/accept`, { method: 'POST', body: JSON.stringify({ hitId, workerId }) });
  return { status: res.status, body: (await res.json()) as { assignmentId: string; url: string; error?: string } };
}
async function submit(fields: Record<string, string>) {
  const res = await fetch(`${emu.url}/mturk/externalSubmit`, { method: 'POST', body: new URLSearchParams(fields) });
  return { status: res.status, html: await res.text() };
}
async function work(hitId: string, workerId: string, answers: Record<string, string> = { token: 't' }) {
  const { body } = await accept(hitId, workerId);
  await submit({ assignmentId: body.assignmentId, ...answers });
  return body.assignmentId;
}
async function requestErrorOf(promise: Promise<unknown>): Promise<RequestError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RequestError);
  return error as RequestError;
}

describe('MTurk emulator via the real SDK', () => {
  it('creates a HIT with epoch timestamps and runs the worker loop', async () => {
    const hitId = await createHit();
    const { HIT } = await client.send(new GetHITCommand({ HITId: hitId }));
    expect(HIT?.HITStatus).toBe('Assignable');
    expect(HIT!.Expiration!.getTime() - HIT!.CreationTime!.getTime()).toBe(3600_000);
    const { body } = await accept(hitId, 'AWORKER1');
    const url = new URL(body.url);
    expect(url.searchParams.get('batch')).toBe('1');
    expect(url.searchParams.get('x')).toBe('2');
    expect(url.searchParams.get('workerId')).toBe('AWORKER1');
    expect(url.searchParams.get('turkSubmitTo')).toBe(emu.url);
    const hidden = await client.send(new ListAssignmentsForHITCommand({ HITId: hitId }));
    expect(hidden.Assignments).toEqual([]);
    const ok = await submit({ assignmentId: body.assignmentId, token: 'a&b<c>', label: 'yes' });
    expect(ok.status).toBe(200);
    expect(ok.html).toContain('<html>');
    expect((await submit({ assignmentId: body.assignmentId, token: 'again' })).status).toBe(400);
    expect((await submit({ assignmentId: 'NOPE', token: 'x' })).status).toBe(400);
    const { Assignment } = await client.send(new GetAssignmentCommand({ AssignmentId: body.assignmentId }));
    expect(Assignment?.AssignmentStatus).toBe('Submitted');
    expect(parseQuestionFormAnswers(Assignment!.Answer!)).toEqual({ token: 'a&b<c>', label: 'yes' });
  });

  it('pages assignments and filters by status', async () => {
    const hitId = await createHit({ MaxAssignments: 7 });
    for (let i = 0; i < 7; i++) await work(hitId, `APAGER${i}`);
    expect((await client.send(new GetHITCommand({ HITId: hitId }))).HIT?.HITStatus).toBe('Reviewable');
    const seen: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await client.send(new ListAssignmentsForHITCommand({ HITId: hitId, MaxResults: 3, NextToken, AssignmentStatuses: ['Submitted'] }));
      expect(page.Assignments!.length).toBeLessThanOrEqual(3);
      seen.push(...page.Assignments!.map((a) => a.WorkerId!));
      NextToken = page.NextToken;
    } while (NextToken);
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `APAGER${i}`));
    const approved = await client.send(new ListAssignmentsForHITCommand({ HITId: hitId, AssignmentStatuses: ['Approved'] }));
    expect(approved.Assignments).toEqual([]);
  });

  it('approves and rejects with a state machine and balance accounting', async () => {
    const before = (await client.send(new GetAccountBalanceCommand({}))).AvailableBalance;
    const hitId = await createHit();
    const a1 = await work(hitId, 'AREVIEW1');
    const a2 = await work(hitId, 'AREVIEW2');
    await client.send(new ApproveAssignmentCommand({ AssignmentId: a1 }));
    expect((await requestErrorOf(client.send(new ApproveAssignmentCommand({ AssignmentId: a1 })))).TurkErrorCode).toBe(
      'AWS.MechanicalTurk.InvalidAssignmentState',
    );
    // @ts-expect-error RequesterFeedback is required: the emulator must refuse a rejection sent without it, as MTurk does.
    await requestErrorOf(client.send(new RejectAssignmentCommand({ AssignmentId: a2 })));
    await client.send(new RejectAssignmentCommand({ AssignmentId: a2, RequesterFeedback: 'Too many wrong checks' }));
    await requestErrorOf(client.send(new RejectAssignmentCommand({ AssignmentId: a1, RequesterFeedback: 'x' })));
    expect(Number((await client.send(new GetAccountBalanceCommand({}))).AvailableBalance)).toBeCloseTo(Number(before) - 0.6);
    await client.send(
      new SendBonusCommand({ WorkerId: 'AREVIEW1', AssignmentId: a1, BonusAmount: '1.00', Reason: 'great', UniqueRequestToken: 'bonus-1' }),
    );
    await requestErrorOf(
      client.send(
        new SendBonusCommand({ WorkerId: 'AREVIEW1', AssignmentId: a1, BonusAmount: '1.00', Reason: 'great', UniqueRequestToken: 'bonus-1' }),
      ),
    );
    expect(emu.state.bonuses).toHaveLength(1);
    expect(Number((await client.send(new GetAccountBalanceCommand({}))).AvailableBalance)).toBeCloseTo(Number(before) - 0.6 - 1.2);
  });

  it('refuses a duplicate CreateHIT UniqueRequestToken and keeps the first HIT', async () => {
    const first = await createHit({ UniqueRequestToken: 'batch-7-hit-0' });
    const error = await requestErrorOf(client.send(new CreateHITCommand(hitInput({ UniqueRequestToken: 'batch-7-hit-0' }))));
    expect(error.TurkErrorCode).toBe('AWS.MechanicalTurk.HitAlreadyExists');
    expect(error.message).toContain(first);
    expect([...emu.state.requestTokens.values()].filter((t) => t.resultId === first)).toHaveLength(1);
  });

  it('validates the ExternalQuestion', async () => {
    const bad = await requestErrorOf(client.send(new CreateHITCommand(hitInput({ Question: buildExternalQuestion('http://example.com/task') }))));
    expect(bad.message).toContain('HTTPS');
    await requestErrorOf(
      client.send(
        new CreateHITCommand(
          hitInput({
            Question: '<ExternalQuestion xmlns="wrong"><ExternalURL>https://x</ExternalURL><FrameHeight>0</FrameHeight></ExternalQuestion>',
          }),
        ),
      ),
    );
  });

  it('enforces qualification requirements and blocks on accept', async () => {
    const { QualificationType } = await client.send(
      new CreateQualificationTypeCommand({ Name: 'curate-test', Description: 'd', QualificationTypeStatus: 'Active' }),
    );
    const qualId = QualificationType!.QualificationTypeId!;
    const hitId = await createHit({
      QualificationRequirements: [
        { QualificationTypeId: qualId, Comparator: 'GreaterThanOrEqualTo', IntegerValues: [80], ActionsGuarded: 'Accept' },
        { QualificationTypeId: '00000000000000000071', Comparator: 'In', LocaleValues: [{ Country: 'US' }], ActionsGuarded: 'Accept' },
      ],
    });
    emu.state.workers.set('AQUAL1', { locale: { Country: 'US' }, values: {} });
    emu.state.workers.set('AQUAL2', { locale: { Country: 'FR' }, values: {} });
    expect((await accept(hitId, 'AQUAL1')).status).toBe(400);
    await client.send(
      new AssociateQualificationWithWorkerCommand({ QualificationTypeId: qualId, WorkerId: 'AQUAL1', IntegerValue: 90, SendNotification: false }),
    );
    await client.send(
      new AssociateQualificationWithWorkerCommand({ QualificationTypeId: qualId, WorkerId: 'AQUAL2', IntegerValue: 90, SendNotification: false }),
    );
    expect((await accept(hitId, 'AQUAL2')).status).toBe(400);
    expect((await accept(hitId, 'AQUAL1')).status).toBe(200);
    const open = await createHit();
    await client.send(new CreateWorkerBlockCommand({ WorkerId: 'ABLOCKED', Reason: 'spam' }));
    expect((await accept(open, 'ABLOCKED')).body.error).toMatch(/blocked/);
  });

  it('expires and deletes HITs only when reviewed', async () => {
    const hitId = await createHit();
    const a = await work(hitId, 'AEXPIRE1');
    await requestErrorOf(client.send(new DeleteHITCommand({ HITId: hitId })));
    await client.send(new UpdateExpirationForHITCommand({ HITId: hitId, ExpireAt: new Date(0) }));
    expect((await client.send(new GetHITCommand({ HITId: hitId }))).HIT?.HITStatus).toBe('Reviewable');
    expect((await accept(hitId, 'ALATE')).status).toBe(400);
    expect((await requestErrorOf(client.send(new DeleteHITCommand({ HITId: hitId })))).TurkErrorCode).toBe('AWS.MechanicalTurk.InvalidHITState');
    await client.send(new ApproveAssignmentCommand({ AssignmentId: a }));
    await client.send(new DeleteHITCommand({ HITId: hitId }));
    expect((await requestErrorOf(client.send(new GetHITCommand({ HITId: hitId })))).TurkErrorCode).toBe('AWS.MechanicalTurk.HITDoesNotExist');
  });

  it('auto-approves after AutoApprovalDelayInSeconds on the emulator clock', async () => {
    const hitId = await createHit({ AutoApprovalDelayInSeconds: 3600 });
    const a = await work(hitId, 'AAUTO1');
    emu.advanceTime(3599);
    expect((await client.send(new GetAssignmentCommand({ AssignmentId: a }))).Assignment?.AssignmentStatus).toBe('Submitted');
    emu.advanceTime(1);
    const { Assignment } = await client.send(new GetAssignmentCommand({ AssignmentId: a }));
    expect(Assignment?.AssignmentStatus).toBe('Approved');
    await requestErrorOf(client.send(new RejectAssignmentCommand({ AssignmentId: a, RequesterFeedback: 'too late' })));
  });
});

import { describe, expect, it } from 'vitest';
import { buildExternalQuestion, EXTERNAL_QUESTION_NAMESPACE } from '../../../server/crowd/mturk/external-question.ts';
import { parseQuestionFormAnswers, QuestionFormAnswersError } from '../../../server/crowd/mturk/question-form-answers.ts';
import { assignmentFeeCents, bonusFeeCents, estimatePublishCost } from '../../../server/crowd/mturk/fees.ts';
import { centsToMoney, moneyToCents } from '../../../server/crowd/money.ts';
import { buildQualificationRequirements, MASTERS_QUALIFICATION_IDS } from '../../../server/crowd/mturk/qualification-requirements.ts';
import { hitRequestToken, planHits } from '../../../server/crowd/mturk/hit-plan.ts';
import { decideReview } from '../../../server/crowd/review-policy.ts';

const NS = 'http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/2005-10-01/QuestionFormAnswers.xsd';
const answer = (id: string, inner: string) => `<Answer><QuestionIdentifier>${id}</QuestionIdentifier>${inner}</Answer>`;
const doc = (...answers: string[]) =>
  `<?xml version="1.0" encoding="ASCII"?><QuestionFormAnswers xmlns="${NS}">${answers.join('')}</QuestionFormAnswers>`;

describe('buildExternalQuestion', () => {
  it('escapes the URL and sets the frame height', () => {
    const xml = buildExternalQuestion('https://x.test/t?a=1&b=<2>', 600);
    expect(xml).toContain(`xmlns="${EXTERNAL_QUESTION_NAMESPACE}"`);
    expect(xml).toContain('<ExternalURL>https://x.test/t?a=1&amp;b=&lt;2&gt;</ExternalURL><FrameHeight>600</FrameHeight>');
  });
  it('refuses a negative frame height', () => expect(() => buildExternalQuestion('https://x', -1)).toThrow());
});

describe('parseQuestionFormAnswers', () => {
  it('reads free text, entities, CDATA and multiple answers', () => {
    const xml = doc(
      answer('a', '<FreeText>x &amp; y &#233;&#x41;</FreeText>'),
      answer('b', '<FreeText><![CDATA[<b>&raw</b>]]></FreeText>'),
      answer('c', '<FreeText/>'),
    );
    expect(parseQuestionFormAnswers(xml)).toEqual({ a: 'x & y éA', b: '<b>&raw</b>', c: '' });
  });
  it('joins several SelectionIdentifiers with |', () => {
    expect(
      parseQuestionFormAnswers(doc(answer('pick', '<SelectionIdentifier>1</SelectionIdentifier><SelectionIdentifier>3</SelectionIdentifier>'))),
    ).toEqual({ pick: '1|3' });
  });
  it('keeps __proto__ as a plain key', () => {
    const parsed = parseQuestionFormAnswers(doc(answer('__proto__', '<FreeText>x</FreeText>')));
    expect(Object.keys(parsed)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
  it.each([
    ['not xml', 'hello'],
    ['doctype', '<!DOCTYPE x [<!ENTITY e "boom">]>' + doc(answer('a', '<FreeText>&e;</FreeText>'))],
    ['unknown entity', doc(answer('a', '<FreeText>&e;</FreeText>'))],
    ['bare ampersand', doc(answer('a', '<FreeText>a & b</FreeText>'))],
    ['nested markup', doc(answer('a', '<FreeText><b>x</b></FreeText>'))],
    ['missing identifier', doc('<Answer><FreeText>x</FreeText></Answer>')],
    ['duplicate identifier', doc(answer('a', '<FreeText>1</FreeText>'), answer('a', '<FreeText>2</FreeText>'))],
    ['stray content', doc(answer('a', '<FreeText>1</FreeText>'), '<Evil/>')],
  ])('rejects %s', (_label, xml) => expect(() => parseQuestionFormAnswers(xml)).toThrow(QuestionFormAnswersError));
});

describe('fees', () => {
  it('converts money strings without floats', () => {
    expect(moneyToCents('0.05')).toBe(5);
    expect(moneyToCents('1.5')).toBe(150);
    expect(centsToMoney(1234)).toBe('12.34');
    expect(() => moneyToCents('0.055')).toThrow();
  });
  it('charges 20%, 40% at 10+ assignments, at least a cent, half-up', () => {
    expect(assignmentFeeCents(100, 9)).toBe(20);
    expect(assignmentFeeCents(100, 10)).toBe(40);
    expect(assignmentFeeCents(2, 1)).toBe(1);
    expect(assignmentFeeCents(53, 1)).toBe(11); // 10.6 -> 11
    expect(assignmentFeeCents(100, 1, true)).toBe(25);
    expect(bonusFeeCents(100)).toBe(20);
  });
  it('estimates a plan and warns at the fee cliff', () => {
    expect(estimatePublishCost({ nItems: 25, itemsPerHit: 10, assignmentsPerHit: 3, reward: '0.50' })).toEqual({
      hitCount: 3,
      assignmentCount: 9,
      rewardTotal: '4.50',
      fees: '0.90',
      grandTotal: '5.40',
    });
    const cliff = estimatePublishCost({ nItems: 10, itemsPerHit: 10, assignmentsPerHit: 12, reward: '1.00' });
    expect(cliff.fees).toBe('4.80');
    expect(cliff.warning).toMatch(/40%/);
    expect(cliff.suggestion).toMatch(/2 HITs of at most 9 .*2\.40/);
  });
});

describe('buildQualificationRequirements', () => {
  it('maps the friendly config onto system qualification ids', () => {
    expect(
      buildQualificationRequirements({
        locales: ['US', 'US-WA'],
        minApprovalRatePercent: 95,
        minApprovedCount: 500,
        ownQualification: { typeId: 'Q1', minScore: 80 },
        blockedQualificationTypeId: 'QB',
        masters: 'sandbox',
      }),
    ).toEqual([
      {
        QualificationTypeId: '00000000000000000071',
        Comparator: 'In',
        LocaleValues: [{ Country: 'US' }, { Country: 'US', Subdivision: 'WA' }],
        ActionsGuarded: 'Accept',
      },
      { QualificationTypeId: '000000000000000000L0', Comparator: 'GreaterThanOrEqualTo', IntegerValues: [95], ActionsGuarded: 'Accept' },
      { QualificationTypeId: '00000000000000000040', Comparator: 'GreaterThanOrEqualTo', IntegerValues: [500], ActionsGuarded: 'Accept' },
      { QualificationTypeId: 'Q1', Comparator: 'GreaterThanOrEqualTo', IntegerValues: [80], ActionsGuarded: 'Accept' },
      { QualificationTypeId: 'QB', Comparator: 'DoesNotExist', ActionsGuarded: 'Accept' },
      { QualificationTypeId: MASTERS_QUALIFICATION_IDS.sandbox, Comparator: 'Exists', ActionsGuarded: 'Accept' },
    ]);
  });
  it('rejects a bad locale', () => expect(() => buildQualificationRequirements({ locales: ['usa'] })).toThrow());
});

describe('planHits', () => {
  const ids = ['a', 'b', 'c', 'd', 'e'];
  it('chunks items and derives stable tokens', () => {
    const hits = planHits(ids, { batchId: 'batch-1', itemsPerHit: 2, assignmentsPerItem: 3 });
    expect(hits.map((h) => h.itemIds)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(hits.every((h) => h.maxAssignments === 3)).toBe(true);
    expect(planHits(ids, { batchId: 'batch-1', itemsPerHit: 2, assignmentsPerItem: 3 })).toEqual(hits);
    expect(new Set(hits.map((h) => h.uniqueRequestToken)).size).toBe(3);
  });
  it('splits at the fee cliff when asked', () => {
    const hits = planHits(ids.slice(0, 2), { batchId: 'b', itemsPerHit: 2, assignmentsPerItem: 20, splitAtFeeCliff: true });
    expect(hits.map((h) => h.maxAssignments)).toEqual([9, 9, 2]);
  });
  it('keeps tokens within 64 chars for long batch ids', () => expect(hitRequestToken('x'.repeat(500), 123456).length).toBeLessThanOrEqual(64));
});

describe('decideReview', () => {
  const policy = { approveAtOrAbove: 0.8, rejectBelow: 0.5, minGold: 3, holdOtherwise: true, bonus: { minAccuracy: 1, amount: '0.10' } };
  it('approves, bonuses, rejects and holds', () => {
    expect(decideReview({ correct: 4, total: 5 }, policy)).toMatchObject({ action: 'approve' });
    expect(decideReview({ correct: 5, total: 5 }, policy)).toMatchObject({ action: 'approve', bonus: { amount: '0.10' } });
    expect(decideReview({ correct: 1, total: 5 }, policy)).toMatchObject({ action: 'reject', reason: expect.stringContaining('1 of 5') });
    expect(decideReview({ correct: 3, total: 5 }, policy)).toMatchObject({ action: 'hold' });
    expect(decideReview({ correct: 0, total: 2 }, policy)).toMatchObject({ action: 'hold' });
    expect(decideReview({ correct: 0, total: 2 }, { ...policy, holdOtherwise: false })).toMatchObject({ action: 'approve' });
  });
  it('rejects invalid input', () => {
    expect(() => decideReview({ correct: 3, total: 2 }, policy)).toThrow();
    expect(() => decideReview({ correct: 1, total: 2 }, { ...policy, rejectBelow: 0.9 })).toThrow();
  });
});

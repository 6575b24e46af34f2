import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProlificEmulator, type ProlificEmulator } from '../support/prolific-emulator/index.ts';

let emulator: ProlificEmulator;
beforeAll(async () => {
  emulator = await startProlificEmulator();
});
afterAll(async () => {
  await emulator.close();
});

const call = (method: string, path: string, body?: unknown, token = emulator.token) =>
  fetch(`${emulator.apiUrl}${path}`, {
    method,
    headers: { authorization: `Token ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const studyBody = {
  name: 'S',
  internal_name: 'emulator-test',
  description: 'D',
  external_study_url: 'http://127.0.0.1:9/prolific?PROLIFIC_PID={{%PROLIFIC_PID%}}&STUDY_ID={{%STUDY_ID%}}&SESSION_ID={{%SESSION_ID%}}',
  prolific_id_option: 'url_parameters',
  completion_codes: [{ code: 'CDONE', code_type: 'COMPLETED', actions: [{ action: 'MANUALLY_REVIEW' }] }],
  reward: 100,
  total_available_places: 1,
  estimated_completion_time: 5,
  maximum_allowed_time: 10,
};

async function publishedStudy(internalName: string) {
  const { id } = (await (await call('POST', 'studies/', { ...studyBody, internal_name: internalName })).json()) as { id: string };
  expect((await call('POST', `studies/${id}/transition/`, { action: 'PUBLISH' })).status).toBe(200);
  return id;
}

async function start(studyId: string, participant: string) {
  const res = await fetch(`${emulator.origin}/_participant/start?study=${studyId}&participant=${participant}`, { redirect: 'manual' });
  return {
    res,
    cookie: res.headers.get('set-cookie')?.split(';')[0] ?? '',
    session: new URL(res.headers.get('location') ?? 'http://x/').searchParams.get('SESSION_ID'),
  };
}

describe('the Prolific emulator', () => {
  it('refuses calls without the token and studies without the three URL placeholders', async () => {
    expect((await call('GET', 'users/me/', undefined, 'wrong')).status).toBe(401);
    const bad = await call('POST', 'studies/', { ...studyBody, external_study_url: 'http://127.0.0.1:9/prolific' });
    expect(bad.status).toBe(400);
  });

  it('fills a place once, times out an unfinished submission and auto-approves one left in review for 21 days', async () => {
    const studyId = await publishedStudy('clock');
    const first = await start(studyId, 'P1');
    expect(first.res.status).toBe(302);
    expect((await start(studyId, 'P2')).res.status).toBe(400);
    emulator.advanceTime(11 * 60);
    await call('GET', 'users/me/');
    expect(emulator.state.submissions.get(first.session!)!.status).toBe('TIMED-OUT');
    // The timed-out place is free again.
    const second = await start(studyId, 'P2');
    expect((await fetch(`${emulator.origin}/submissions/complete?cc=CDONE`, { headers: { cookie: second.cookie } })).status).toBe(200);
    expect(emulator.state.submissions.get(second.session!)!.status).toBe('AWAITING REVIEW');
    emulator.advanceTime(21 * 24 * 3600 + 1);
    await call('GET', 'users/me/');
    expect(emulator.state.submissions.get(second.session!)!.status).toBe('APPROVED');
  });

  it('rejects only with a message of 100 characters and a category, and pays a bonus payment every time pay is called', async () => {
    const studyId = await publishedStudy('review');
    const p = await start(studyId, 'P3');
    await fetch(`${emulator.origin}/submissions/complete?cc=CDONE`, { headers: { cookie: p.cookie } });
    expect(
      (await call('POST', `submissions/${p.session}/transition/`, { action: 'REJECT', message: 'too short', rejection_category: 'LOW_EFFORT' }))
        .status,
    ).toBe(400);
    expect((await call('POST', `submissions/${p.session}/transition/`, { action: 'REJECT', message: 'x'.repeat(100) })).status).toBe(400);
    expect((await call('POST', 'submissions/bulk-approve/', { submission_ids: [p.session] })).status).toBe(200);
    expect(emulator.state.submissions.get(p.session!)!.status).toBe('APPROVED');
    expect((await call('POST', 'submissions/bonus-payments/', { study_id: studyId, csv_bonuses: 'NOBODY,1.00\n' })).status).toBe(400);
    const created = (await (await call('POST', 'submissions/bonus-payments/', { study_id: studyId, csv_bonuses: 'P3,1.50\n' })).json()) as {
      id: string;
      amount: number;
      fees: number;
    };
    expect(created).toMatchObject({ amount: 150, fees: 50 });
    await call('POST', `bulk-bonus-payments/${created.id}/pay/`, {});
    await call('POST', `bulk-bonus-payments/${created.id}/pay/`, {});
    expect(emulator.state.paid.filter((x) => x.participantId === 'P3')).toHaveLength(2);
  });
});

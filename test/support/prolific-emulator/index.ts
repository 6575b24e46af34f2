import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { prolificSignature } from './signature.ts';
import { serviceFeeCents } from '../../../server/crowd/prolific/fees.ts';
import { createState, type ProlificState, type Study, type Submission, type SubmissionStatus } from './state.ts';

/** Options of {@link startProlificEmulator}. */
export interface ProlificEmulatorOptions {
  /** 0 or absent picks a free port. */
  port?: number;
  /** The API token the emulator accepts (`Authorization: Token <token>`). */
  token?: string;
  /** Service fee in percent the emulator charges on bonuses. */
  serviceFeePercent?: number;
  /** Base clock in epoch ms; advanceTime adds on top of it. */
  clock?: () => number;
}

export interface ProlificEmulator {
  /** The API base, as PROLIFIC_ENDPOINT takes it. */
  apiUrl: string;
  /** The emulator's origin: participants start at `${origin}/_participant/start` and complete at `${origin}/submissions/complete`. */
  origin: string;
  token: string;
  state: ProlificState;
  /** Moves the clock forward (time-outs, auto-approval after 21 days in review). */
  advanceTime(seconds: number): void;
  close(): Promise<void>;
}

const AUTO_APPROVE_MS = 21 * 24 * 3600 * 1000;
const PLACEHOLDERS = ['{{%PROLIFIC_PID%}}', '{{%STUDY_ID%}}', '{{%SESSION_ID%}}'];

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const fail = (status: number, message: string): never => {
  throw new ApiError(status, message);
};

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** A page of a list, with Prolific's `_links.next` (page_size 20 by default). */
function page<T>(items: T[], query: URLSearchParams, base: string) {
  const size = Math.min(Number(query.get('page_size') ?? 20) || 20, 200);
  const number = Math.max(Number(query.get('page') ?? 1) || 1, 1);
  const results = items.slice((number - 1) * size, number * size);
  const more = number * size < items.length;
  return { results, meta: { count: items.length }, _links: { next: { href: more ? `${base}?page=${number + 1}&page_size=${size}` : null } } };
}

/**
 * A local Prolific: the researcher API under /api/v1/ (studies, transitions, submissions with statuses, bulk approve,
 * two-step bonuses, hooks with signed deliveries) and the participant's side (arrival at the study URL, completion
 * redirect with a code), on an injectable clock.
 */
export async function startProlificEmulator(options: ProlificEmulatorOptions = {}): Promise<ProlificEmulator> {
  const state = createState();
  const token = options.token ?? 'emulator-token';
  const feePercent = options.serviceFeePercent ?? 33.33;
  const baseClock = options.clock ?? Date.now;
  let offsetMs = 0;
  const now = () => baseClock() + offsetMs;

  const deliver = async (submission: Submission) => {
    const body = JSON.stringify({
      resource_id: submission.id,
      event_type: 'submission.status.change',
      participant_id: submission.participant_id,
      status: submission.status,
      study_id: submission.study_id,
    });
    for (const hook of state.hooks.values()) {
      if (!hook.is_enabled || hook.event_type !== 'submission.status.change') continue;
      // Retried a few times, as Prolific retries failed deliveries.
      for (let attempt = 0; attempt < 3; attempt++) {
        const timestamp = String(Math.floor(now() / 1000));
        const status = await fetch(hook.target_url, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'X-Prolific-Request-Timestamp': timestamp,
            'X-Prolific-Request-Signature': prolificSignature(hook.secret, timestamp, body),
          },
          body,
        }).then(
          (r) => r.status,
          () => 0,
        );
        state.deliveries.push({ subscriptionId: hook.id, body, status });
        if (status >= 200 && status < 300) break;
      }
    }
  };
  const setStatus = (s: Submission, status: SubmissionStatus) => {
    s.status = status;
    if (status === 'AWAITING REVIEW') s.reviewFrom = now();
    void deliver(s);
  };
  /** Time-outs and auto-approval, as the clock has moved. */
  const tick = () => {
    for (const s of state.submissions.values()) {
      const study = state.studies.get(s.study_id)!;
      if (s.status === 'ACTIVE' && now() - s.started_at > study.maximum_allowed_time * 60_000) setStatus(s, 'TIMED-OUT');
      if (s.status === 'AWAITING REVIEW' && now() - (s.reviewFrom ?? now()) > AUTO_APPROVE_MS) setStatus(s, 'APPROVED');
    }
  };
  const study = (id: string) => state.studies.get(id) ?? fail(404, `Study ${id} not found`);
  const submission = (id: string) => state.submissions.get(id) ?? fail(404, `Submission ${id} not found`);
  const takenPlaces = (studyId: string) =>
    [...state.submissions.values()].filter((s) => s.study_id === studyId && !['RETURNED', 'TIMED-OUT', 'SCREENED OUT'].includes(s.status)).length;

  const api = (method: string, path: string, query: URLSearchParams, body: Record<string, unknown>, res: ServerResponse) => {
    let m: RegExpExecArray | null;
    if (method === 'GET' && path === 'users/me/') return send(res, 200, { id: 'researcher-1', email: 'researcher@example.org' });
    if (method === 'POST' && path === 'studies/') return send(res, 201, createStudy(body));
    if (method === 'GET' && path === 'studies/') return send(res, 200, page([...state.studies.values()], query, `/api/v1/studies/`));
    if (method === 'GET' && (m = /^studies\/(\w+)\/$/.exec(path))) return send(res, 200, study(m[1]!));
    if (method === 'POST' && (m = /^studies\/(\w+)\/transition\/$/.exec(path))) {
      const s = study(m[1]!);
      if (body.action === 'PUBLISH') {
        if (s.status !== 'UNPUBLISHED') fail(400, 'Only a draft study can be published');
        s.status = 'ACTIVE';
      } else if (body.action === 'STOP') {
        if (s.status === 'UNPUBLISHED') fail(400, 'A draft study cannot be stopped');
        s.status = 'COMPLETED';
      } else fail(400, `Unknown action ${String(body.action)}`);
      return send(res, 200, s);
    }
    if (method === 'GET' && (m = /^studies\/(\w+)\/submissions\/$/.exec(path))) {
      study(m[1]!);
      return send(
        res,
        200,
        page([...state.submissions.values()].filter((s) => s.study_id === m![1]).map(present), query, `/api/v1/studies/${m[1]}/submissions/`),
      );
    }
    if (method === 'GET' && (m = /^submissions\/(\w+)\/$/.exec(path))) return send(res, 200, present(submission(m[1]!)));
    if (method === 'POST' && path === 'submissions/bulk-approve/') {
      const ids = Array.isArray(body.submission_ids)
        ? (body.submission_ids as string[])
        : [...state.submissions.values()]
            .filter((s) => s.study_id === body.study_id && (body.participant_ids as string[] | undefined)?.includes(s.participant_id))
            .map((s) => s.id);
      state.bulkApprovals.push(ids);
      for (const id of ids) review(submission(id), 'APPROVE', {});
      return send(res, 200, 'The request to bulk approve has been made successfully.');
    }
    if (method === 'POST' && (m = /^submissions\/(\w+)\/transition\/$/.exec(path)))
      return send(res, 200, present(review(submission(m[1]!), String(body.action), body)));
    if (method === 'POST' && path === 'submissions/bonus-payments/') return send(res, 201, createBonus(body));
    if (method === 'POST' && (m = /^bulk-bonus-payments\/(\w+)\/pay\/$/.exec(path))) {
      const payment = state.bonusPayments.get(m[1]!) ?? fail(404, `Bonus payment ${m[1]} not found`);
      // Not idempotent, as on Prolific: every call pays.
      for (const line of payment.lines) state.paid.push({ bonusPaymentId: payment.id, participantId: line.participantId, cents: line.cents });
      return send(res, 202, {});
    }
    if (method === 'GET' && path === 'hooks/event-types/') return send(res, 200, { results: ['study.status.change', 'submission.status.change'] });
    if (method === 'POST' && path === 'hooks/secrets/') {
      state.hookSecret = randomBytes(24).toString('base64');
      return send(res, 201, { id: state.nextId(), value: state.hookSecret, workspace_id: body.workspace_id });
    }
    if (method === 'POST' && path === 'hooks/subscriptions/') {
      if (!state.hookSecret) fail(400, 'Create a secret for the workspace first');
      if (typeof body.target_url !== 'string' || typeof body.event_type !== 'string') fail(400, 'event_type and target_url are required');
      const hook = {
        id: state.nextId(),
        event_type: String(body.event_type),
        target_url: String(body.target_url),
        secret: state.hookSecret!,
        is_enabled: false,
      };
      state.hooks.set(hook.id, hook);
      return send(
        res,
        201,
        { id: hook.id, event_type: hook.event_type, target_url: hook.target_url, is_enabled: false },
        { 'X-Hook-Secret': hook.secret },
      );
    }
    if (method === 'POST' && (m = /^hooks\/subscriptions\/(\w+)\/$/.exec(path))) {
      const hook = state.hooks.get(m[1]!) ?? fail(404, 'Subscription not found');
      if (body.secret !== hook.secret) fail(400, 'The secret does not match the X-Hook-Secret of this subscription');
      hook.is_enabled = true;
      return send(res, 200, { id: hook.id, is_enabled: true });
    }
    fail(404, `No route ${method} /api/v1/${path}`);
  };

  function createStudy(b: Record<string, unknown>): Study {
    const url = String(b.external_study_url ?? '');
    for (const [field, ok] of [
      ['name', typeof b.name === 'string' && b.name.length > 0],
      ['description', typeof b.description === 'string'],
      ['external_study_url', PLACEHOLDERS.every((p) => url.includes(p)) && /^https?:\/\//.test(url)],
      ['prolific_id_option', ['question', 'url_parameters', 'not_required'].includes(String(b.prolific_id_option))],
      [
        'completion_codes',
        Array.isArray(b.completion_codes) && (b.completion_codes as { code_type?: string }[]).some((c) => c.code_type === 'COMPLETED'),
      ],
      ['reward', Number.isInteger(b.reward) && (b.reward as number) > 0],
      ['total_available_places', Number.isInteger(b.total_available_places) && (b.total_available_places as number) > 0],
      ['estimated_completion_time', Number.isInteger(b.estimated_completion_time) && (b.estimated_completion_time as number) > 0],
    ] as const) {
      if (!ok) fail(400, `${field}: invalid or missing`);
    }
    const s: Study = {
      id: state.nextId(),
      name: String(b.name),
      internal_name: String(b.internal_name ?? ''),
      description: String(b.description),
      external_study_url: url,
      prolific_id_option: String(b.prolific_id_option),
      completion_codes: b.completion_codes as Study['completion_codes'],
      reward: b.reward as number,
      total_available_places: b.total_available_places as number,
      estimated_completion_time: b.estimated_completion_time as number,
      maximum_allowed_time: Number(b.maximum_allowed_time ?? (b.estimated_completion_time as number) * 3),
      filters: (b.filters as unknown[] | undefined) ?? [],
      status: 'UNPUBLISHED',
      createdAt: now(),
    };
    state.studies.set(s.id, s);
    return s;
  }

  function review(s: Submission, action: string, b: Record<string, unknown>) {
    if (action === 'APPROVE') {
      if (s.status === 'APPROVED') return s;
      if (s.status !== 'AWAITING REVIEW') fail(400, `A submission in status ${s.status} cannot be approved`);
      setStatus(s, 'APPROVED');
    } else if (action === 'REJECT') {
      if (s.status === 'REJECTED') return s;
      if (s.status !== 'AWAITING REVIEW') fail(400, `A submission in status ${s.status} cannot be rejected`);
      if (typeof b.message !== 'string' || b.message.length < 100) fail(400, 'message: a rejection needs a message of at least 100 characters');
      if (typeof b.rejection_category !== 'string') fail(400, 'rejection_category: required to reject');
      s.message = String(b.message);
      s.rejection_category = String(b.rejection_category);
      setStatus(s, 'REJECTED');
    } else fail(400, `Unknown action ${action}`);
    return s;
  }

  function createBonus(b: Record<string, unknown>) {
    const s = study(String(b.study_id));
    const lines = String(b.csv_bonuses ?? '')
      .split('\n')
      .filter((l) => l.trim())
      .map((line) => {
        const [who, amount] = line.split(',').map((x) => x.trim());
        const took = [...state.submissions.values()].find((x) => x.study_id === s.id && (x.participant_id === who || x.id === who));
        if (!took) fail(400, `${who} did not take part in study ${s.id}`);
        if (!/^\d+(\.\d{1,2})?$/.test(amount ?? '')) fail(400, `Invalid bonus amount ${amount}`);
        return { participantId: took!.participant_id, cents: Math.round(Number(amount) * 100) };
      });
    if (!lines.length) fail(400, 'csv_bonuses: no bonuses');
    const amount = lines.reduce((t, l) => t + l.cents, 0);
    const fees = lines.reduce((t, l) => t + serviceFeeCents(l.cents, feePercent), 0);
    const payment = { id: state.nextId(), study: s.id, lines, amount, fees, total_amount: amount + fees };
    state.bonusPayments.set(payment.id, payment);
    return { id: payment.id, study: payment.study, amount, fees, total_amount: payment.total_amount };
  }

  const present = (s: Submission) => ({
    id: s.id,
    study_id: s.study_id,
    participant_id: s.participant_id,
    status: s.status,
    started_at: new Date(s.started_at).toISOString(),
    completed_at: s.completed_at ? new Date(s.completed_at).toISOString() : null,
    entered_code: s.entered_code,
  });

  /** A participant opens the study: a submission starts and the browser goes to the study URL, placeholders filled. */
  function start(query: URLSearchParams, res: ServerResponse) {
    const s = study(query.get('study') ?? '');
    const participant = query.get('participant') ?? fail(400, 'participant is required');
    if (s.status !== 'ACTIVE') fail(400, 'This study is not open');
    const earlier = [...state.submissions.values()].find((x) => x.study_id === s.id && x.participant_id === participant);
    if (earlier) fail(400, 'This participant already took part in this study');
    if (takenPlaces(s.id) >= s.total_available_places) fail(400, 'This study is full');
    const sub: Submission = {
      id: state.nextId(),
      study_id: s.id,
      participant_id: participant!,
      status: 'ACTIVE',
      started_at: now(),
      completed_at: null,
      entered_code: null,
      reviewFrom: null,
    };
    state.submissions.set(sub.id, sub);
    const location = s.external_study_url
      .replace('{{%PROLIFIC_PID%}}', encodeURIComponent(participant!))
      .replace('{{%STUDY_ID%}}', s.id)
      .replace('{{%SESSION_ID%}}', sub.id);
    res.writeHead(302, { Location: location, 'Set-Cookie': `prolific_session=${sub.id}; Path=/; HttpOnly` });
    res.end();
  }

  /** The completion redirect: the participant's session (its cookie) ends with the code the study gave. */
  function complete(req: IncomingMessage, query: URLSearchParams, res: ServerResponse) {
    const sessionId =
      /prolific_session=(\w+)/.exec(req.headers.cookie ?? '')?.[1] ?? query.get('session') ?? fail(400, 'No Prolific session in this browser');
    const sub = submission(sessionId!);
    if (sub.status !== 'ACTIVE') fail(400, `This submission is ${sub.status}`);
    const code = query.get('cc') ?? '';
    const known = state.studies.get(sub.study_id)!.completion_codes.find((c) => c.code === code);
    if (!known) fail(400, 'That completion code is not one of this study');
    sub.entered_code = code;
    sub.completed_at = now();
    setStatus(sub, 'AWAITING REVIEW');
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(
      '<!doctype html><title>Prolific</title><link rel="icon" href="data:,"><p data-testid="prolific-complete">Submission complete. Thank you.</p>',
    );
  }

  const server = createServer((req, res) => {
    void readBody(req)
      .then((raw) => {
        const url = new URL(req.url ?? '/', 'http://x');
        tick();
        try {
          if (url.pathname === '/_participant/start') return start(url.searchParams, res);
          if (url.pathname === '/submissions/complete') return complete(req, url.searchParams, res);
          if (!url.pathname.startsWith('/api/v1/')) fail(404, 'Not found');
          if (req.headers.authorization !== `Token ${token}`)
            return send(res, 401, { error: { status: 401, detail: 'Authentication credentials were not provided or are invalid.' } });
          let body: Record<string, unknown> = {};
          if (raw) {
            try {
              body = JSON.parse(raw) as Record<string, unknown>;
            } catch {
              fail(400, 'The body is not JSON');
            }
          }
          api(req.method ?? 'GET', url.pathname.slice('/api/v1/'.length), url.searchParams, body, res);
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          send(res, error.status, { error: { status: error.status, detail: error.message } });
        }
      })
      .catch((error: unknown) => send(res, 500, { error: { status: 500, detail: String(error) } }));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    apiUrl: `${origin}/api/v1/`,
    origin,
    token,
    state,
    advanceTime: (seconds) => {
      offsetMs += seconds * 1000;
    },
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

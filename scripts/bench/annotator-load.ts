/**
 * The load generator of bench:annotate, run in a process of its own (forked by scripts/bench/annotate.ts) so its
 * CPU never counts as the server's and the server never waits on it. It signs its annotators in the way the app
 * does (a session cookie from POST /api/auth/login with the CSRF token, or an API token), then drives them:
 *
 * - closed loop: each annotator leases one task and submits it at once, over and over (measures the saturated
 *   server's throughput);
 * - open loop: each annotator thinks for a time drawn uniformly from [thinkMinMs, thinkMaxMs] after a task
 *   arrives, then sends the answer and asks for the next task side by side, as the labeling page does (its outbox
 *   and its lease refill do not wait on each other). A slow submit never delays anything; a slow lease delays that
 *   annotator's next answer by exactly the time the task took to arrive, since nobody judges a task they do not
 *   have. Latency is taken from the scheduled send time, so a generator that falls behind its clock shows as
 *   latency rather than hiding it (coordinated omission).
 */
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { seededRandom } from './bench-db.ts';

/** Who an annotator is to the server. */
export type Credential = { email: string; password: string } | { token: string };

export interface LoadConfig {
  url: string;
  projectId: number;
  annotators: Credential[];
  mode: 'closed' | 'open';
  seconds: number;
  thinkMinMs: number;
  thinkMaxMs: number;
  /** How long after the end requests still in flight are waited for before they count as backlog. */
  drainMs: number;
  seed: number;
}

export interface LoadResult {
  /** Wall seconds of the measured window. */
  seconds: number;
  leaseMs: number[];
  submitMs: number[];
  /** Requests whose scheduled send time fell in the window. */
  scheduled: number;
  /** Responses received in the window. */
  completed: number;
  judgments: number;
  /** Requests with no answer `drainMs` after the end. */
  backlog: number;
  /** How late the generator's own timers fired (its saturation), p99 in ms. */
  sendLagP99Ms: number;
  /** Non-success answers by status ('network' for a failed connection), lease and submit apart. */
  errors: Record<string, number>;
  /** Annotators who ran out of tasks. */
  outOfWork: number;
}

interface Reply {
  status: number;
  body: string;
  setCookie: string[];
}

/** Each annotator is one browser: its own keep-alive connection, as a tab keeps one to its server. */
function client(base: string) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
  const target = new URL(base);
  return (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
    new Promise<Reply>((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          method,
          path,
          headers: { ...headers, ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), setCookie: res.headers['set-cookie'] ?? [] }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
}

const cookieOf = (reply: Reply, name: string) => reply.setCookie.map((c) => c.split(';')[0]).find((c) => c.startsWith(`${name}=`));

/** Signs one annotator in and returns the headers their requests carry. */
async function signIn(send: ReturnType<typeof client>, credential: Credential): Promise<Record<string, string>> {
  if ('token' in credential) return { authorization: `Bearer ${credential.token}` };
  const anonymous = await send('GET', '/api/session', {});
  const csrfCookie = cookieOf(anonymous, 'curate.csrf');
  const login = await send(
    'POST',
    '/api/auth/login',
    { cookie: csrfCookie ?? '', 'x-csrf-token': (JSON.parse(anonymous.body) as { csrfToken: string }).csrfToken },
    { email: credential.email, password: credential.password },
  );
  const sid = cookieOf(login, 'curate.sid');
  if (login.status !== 200 || !sid) throw new Error(`login of ${credential.email} answered ${login.status}: ${login.body}`);
  return { cookie: sid, 'x-csrf-token': (JSON.parse(login.body) as { csrfToken: string }).csrfToken };
}

/** A signed-in annotator: their connection and the headers that authenticate them. */
interface Annotator {
  send: ReturnType<typeof client>;
  headers: Record<string, string>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

export async function runLoad(config: LoadConfig): Promise<LoadResult> {
  const random = seededRandom(config.seed);
  const think = () => config.thinkMinMs + random() * (config.thinkMaxMs - config.thinkMinMs);
  const annotators: Annotator[] = [];
  // Sign-ins are set-up, not load: a few at a time, before the clock starts.
  for (let i = 0; i < config.annotators.length; i += 50) {
    annotators.push(
      ...(await Promise.all(
        config.annotators.slice(i, i + 50).map(async (credential) => {
          const send = client(config.url);
          return { send, headers: await signIn(send, credential) };
        }),
      )),
    );
  }

  const result: LoadResult = {
    seconds: config.seconds,
    leaseMs: [],
    submitMs: [],
    scheduled: 0,
    completed: 0,
    judgments: 0,
    backlog: 0,
    sendLagP99Ms: 0,
    errors: {},
    outOfWork: 0,
  };
  const lags: number[] = [];
  const started = performance.now();
  const end = started + config.seconds * 1000;
  let inFlight = 0;
  const count = (kind: string, status: number | 'network') =>
    void (result.errors[`${kind} ${status}`] = (result.errors[`${kind} ${status}`] ?? 0) + 1);

  /** Sends at (or as soon after as the generator can) the scheduled time; latency counts from the schedule. */
  async function timed(kind: 'lease' | 'submit', scheduledAt: number, run: () => Promise<Reply>): Promise<Reply | undefined> {
    if (scheduledAt < end) result.scheduled++;
    lags.push(performance.now() - scheduledAt);
    inFlight++;
    try {
      const reply = await run();
      const now = performance.now();
      if (now <= end) {
        result.completed++;
        (kind === 'lease' ? result.leaseMs : result.submitMs).push(now - scheduledAt);
      }
      const ok = kind === 'lease' ? reply.status === 200 : reply.status === 201;
      if (!ok) count(kind, reply.status);
      else if (kind === 'submit') result.judgments++;
      return ok ? reply : undefined;
    } catch {
      count(kind, 'network');
      return undefined;
    } finally {
      inFlight--;
    }
  }

  const base = `/api/projects/${config.projectId}`;
  // `known`: the task whose answer is on its way, as the labeling page says of its outbox; without it the lease sent
  // beside that answer can return the same task again, and its second answer is refused (409).
  const lease = (a: Annotator, at: number, known: number[] = []) =>
    timed('lease', at, () => a.send('POST', `${base}/tasks/lease`, a.headers, { count: 1, known })).then((reply) => {
      const tasks = reply && (JSON.parse(reply.body) as { tasks: { slotId: number }[] }).tasks;
      return tasks?.[0]?.slotId;
    });
  const submit = (a: Annotator, at: number, slotId: number) =>
    timed('submit', at, () =>
      a.send('POST', `${base}/judgments`, a.headers, { clientId: randomUUID(), slotId, value: { score: 3 }, timeSpentMs: 1000 }),
    );

  const pending = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => (pending.add(p), void p.finally(() => pending.delete(p)));

  await Promise.all(
    annotators.map(async (a) => {
      if (config.mode === 'closed') {
        while (performance.now() < end) {
          const slotId = await lease(a, performance.now());
          if (slotId === undefined) return void result.outOfWork++;
          await submit(a, performance.now(), slotId);
        }
        return;
      }
      // Arrivals spread over the first think time, as annotators who were already at work would be.
      let at = started + random() * config.thinkMaxMs;
      await sleep(at - performance.now());
      let slotId = await lease(a, at);
      while (slotId !== undefined) {
        at = performance.now() + think();
        if (at >= end) return;
        await sleep(at - performance.now());
        track(submit(a, at, slotId));
        slotId = await lease(a, at, [slotId]);
      }
      if (performance.now() < end) result.outOfWork++;
    }),
  );
  const drained = performance.now() + config.drainMs;
  while (inFlight > 0 && performance.now() < drained) await sleep(50);
  result.backlog = inFlight;
  result.seconds = (Math.min(performance.now(), end) - started) / 1000;
  lags.sort((x, y) => x - y);
  result.sendLagP99Ms = lags.length ? lags[Math.floor(0.99 * (lags.length - 1))] : 0;
  return result;
}

// Forked by the benchmark: one configuration in, one result out.
if (process.send) {
  process.once('message', (config: LoadConfig) => {
    runLoad(config).then(
      (result) => process.send!({ result }, () => process.exit(0)),
      (error: unknown) => process.send!({ error: String((error as Error)?.stack ?? error) }, () => process.exit(1)),
    );
  });
}

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  chatRequestSchema,
  chunkBody,
  completionBody,
  completionId,
  countTokens,
  cutToTokens,
  errorBody,
  messageText,
  streamPieces,
  type EmulatorMessage,
  type FinishReason,
  type Usage,
} from './protocol.ts';

export type { EmulatorMessage } from './protocol.ts';

/** What a script sees of one chat-completions request. */
export interface EmulatorRequest {
  model: string;
  messages: EmulatorMessage[];
  stream: boolean;
  /** The parsed JSON body as sent (temperature, max_tokens, ...). */
  body: unknown;
}

type UsageOverride = Partial<Pick<Usage, 'prompt_tokens' | 'completion_tokens'>>;

/** How the emulator answers one request. */
export type EmulatorReply =
  /** A normal answer (cut with finish_reason 'length' if it exceeds the request's max_tokens, as a server would). */
  | { content: string; usage?: UsageOverride }
  /** An API error in the OpenAI shape; 429 carries Retry-After (seconds, rounded up) and retry-after-ms. */
  | { status: 429 | 500 | 503; retryAfterSeconds?: number; message?: string }
  /** A truncated answer: the content as given, finish_reason 'length'. */
  | { truncate: true; content: string; usage?: UsageOverride }
  /** A 200 whose body is not valid JSON (a cut SSE event when streaming). */
  | { malformed: true }
  /** Never answers: the client's timeout must fire. */
  | { hang: true }
  /** Streams the content a word at a time, chunkDelayMs apart (not streamed: answers after the same total delay). */
  | { slowStream: true; content: string; chunkDelayMs: number; usage?: UsageOverride };

export type EmulatorScript = (request: EmulatorRequest) => EmulatorReply | Promise<EmulatorReply>;

export interface OpenAIEmulatorOptions {
  /** 0 or absent picks a free port. */
  port?: number;
  /** Delay before every answer (and before an error status). */
  latencyMs?: number;
  /** The answer per request; by default every request gets "OK". */
  script?: EmulatorScript;
  /** When set, requests must carry `Authorization: Bearer <apiKey>` (401 otherwise). */
  apiKey?: string;
  /** Model ids GET /v1/models lists; requests may name any model. */
  models?: string[];
}

/** One request as the emulator received it, with what it answered. */
export interface RecordedRequest extends EmulatorRequest {
  at: number;
  authorization: string | undefined;
  /** What the emulator answered (unauthorized and invalid: refused before the script ran). */
  reply: ReplyKind;
  /** Content events written so far when streaming (grows while a slow stream is under way). */
  piecesSent: number;
}

export type ReplyKind = 'content' | 'error' | 'truncate' | 'malformed' | 'hang' | 'slowStream' | 'unauthorized' | 'invalid';

export interface OpenAIEmulator {
  /** The base URL as the openai client takes it (`new OpenAI({ baseURL: url })`), ending in /v1. */
  url: string;
  /** Every chat-completions request received, in order. */
  requests: RecordedRequest[];
  /** Tokens the emulator reported in usage, summed over all answered requests. */
  usage: { promptTokens: number; completionTokens: number };
  setScript(script: EmulatorScript): void;
  setLatency(ms: number): void;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLarge());
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json', 'x-request-id': completionId(), ...headers });
  res.end(JSON.stringify(body));
}

const kindOf = (reply: EmulatorReply): ReplyKind =>
  'status' in reply
    ? 'error'
    : 'truncate' in reply
      ? 'truncate'
      : 'malformed' in reply
        ? 'malformed'
        : 'hang' in reply
          ? 'hang'
          : 'slowStream' in reply
            ? 'slowStream'
            : 'content';

/**
 * A local OpenAI-compatible server: POST /v1/chat/completions (JSON, or SSE with `stream: true`), GET /v1/models and
 * /v1/models/:id, errors in the API's shape, optional bearer key, and scripted answers and faults per request, so the
 * official `openai` client can be exercised over real HTTP.
 */
export async function startOpenAIEmulator(options: OpenAIEmulatorOptions = {}): Promise<OpenAIEmulator> {
  let script: EmulatorScript = options.script ?? (() => ({ content: 'OK' }));
  let latencyMs = options.latencyMs ?? 0;
  const models = options.models ?? ['emulator-judge'];
  const requests: RecordedRequest[] = [];
  const usage = { promptTokens: 0, completionTokens: 0 };
  const created = Math.floor(Date.now() / 1000);
  const abort = new AbortController();

  const wait = (ms: number) => (ms > 0 ? sleep(ms, undefined, { signal: abort.signal }) : Promise.resolve());

  const finalUsage = (promptTokens: number, content: string, override: UsageOverride | undefined): Usage => {
    const prompt_tokens = override?.prompt_tokens ?? promptTokens;
    const completion_tokens = override?.completion_tokens ?? countTokens(content);
    usage.promptTokens += prompt_tokens;
    usage.completionTokens += completion_tokens;
    return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
  };

  const completions = async (req: IncomingMessage, res: ServerResponse) => {
    const authorization = req.headers.authorization;
    let raw: string;
    try {
      raw = await readBody(req);
    } catch (error) {
      if (error instanceof BodyTooLarge) return sendJson(res, 413, errorBody(413));
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return sendJson(res, 400, errorBody(400, 'We could not parse the JSON body of your request.'));
    }
    const parsed = chatRequestSchema.safeParse(json);
    const messages = parsed.success ? parsed.data.messages.map((m) => ({ role: m.role, content: messageText(m.content) })) : [];
    const request: EmulatorRequest = {
      model: parsed.success ? parsed.data.model : '',
      messages,
      stream: parsed.success ? parsed.data.stream === true : false,
      body: json,
    };
    const record = (reply: ReplyKind) => {
      const recorded: RecordedRequest = { ...request, at: Date.now(), authorization, reply, piecesSent: 0 };
      requests.push(recorded);
      return recorded;
    };
    if (options.apiKey !== undefined && authorization !== `Bearer ${options.apiKey}`) {
      record('unauthorized');
      return sendJson(res, 401, errorBody(401));
    }
    if (!parsed.success) {
      record('invalid');
      return sendJson(res, 400, errorBody(400, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')));
    }
    const body = parsed.data;
    const reply = await script(request);
    const recorded = record(kindOf(reply));
    if ('hang' in reply) return; // the socket stays open until the client gives up or the emulator closes
    await wait(latencyMs);

    if ('status' in reply) {
      const headers: Record<string, string> = {};
      if (reply.status === 429) {
        const seconds = reply.retryAfterSeconds ?? 1;
        headers['Retry-After'] = String(Math.ceil(seconds));
        headers['retry-after-ms'] = String(Math.round(seconds * 1000));
      }
      return sendJson(res, reply.status, errorBody(reply.status, reply.message), headers);
    }
    const id = completionId();
    if ('malformed' in reply) {
      if (request.stream) {
        res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
        res.end(`data: {"id":"${id}","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Sco\n\n`);
      } else {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(`{"id":"${id}","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Sco`);
      }
      return;
    }

    const promptTokens = countTokens(messages.map((m) => m.content).join('\n'));
    const limit = body.max_completion_tokens ?? body.max_tokens ?? undefined;
    let content = reply.content;
    let finishReason: FinishReason = 'truncate' in reply ? 'length' : 'stop';
    if (limit !== undefined && countTokens(content) > limit) {
      content = cutToTokens(content, limit);
      finishReason = 'length';
    }
    const chunkDelayMs = 'slowStream' in reply ? reply.chunkDelayMs : 0;
    const pieces = streamPieces(content);

    if (!request.stream) {
      await wait(chunkDelayMs * pieces.length);
      return sendJson(res, 200, completionBody(id, body.model, content, finishReason, finalUsage(promptTokens, content, reply.usage)));
    }
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    const event = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
    event(chunkBody(id, body.model, { delta: { role: 'assistant', content: '' } }));
    for (const piece of pieces) {
      await wait(chunkDelayMs);
      if (res.destroyed) return;
      event(chunkBody(id, body.model, { delta: { content: piece } }));
      recorded.piecesSent++;
    }
    const totals = finalUsage(promptTokens, content, reply.usage);
    event(chunkBody(id, body.model, { finishReason }));
    if (body.stream_options?.include_usage) event(chunkBody(id, body.model, { usage: totals }));
    res.end('data: [DONE]\n\n');
  };

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://emulator').pathname.replace(/\/+$/, '');
    const handle = async () => {
      if (req.method === 'POST' && path === '/v1/chat/completions') return completions(req, res);
      if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) return sendJson(res, 401, errorBody(401));
      const model = (id: string) => ({ id, object: 'model', created, owned_by: 'openai-emulator' });
      if (req.method === 'GET' && path === '/v1/models') return sendJson(res, 200, { object: 'list', data: models.map(model) });
      const one = /^\/v1\/models\/(.+)$/.exec(path);
      if (req.method === 'GET' && one) {
        const id = decodeURIComponent(one[1]!);
        return models.includes(id) ? sendJson(res, 200, model(id)) : sendJson(res, 404, errorBody(404, `The model '${id}' does not exist`));
      }
      sendJson(res, 404, errorBody(404, `Unknown request URL: ${req.method} ${path}`));
    };
    handle().catch((error: unknown) => {
      // Closing the emulator aborts pending waits: the connection is being torn down anyway.
      if (abort.signal.aborted) return;
      if (!res.headersSent) sendJson(res, 500, errorBody(500, String(error)));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    usage,
    setScript(next) {
      script = next;
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    close() {
      abort.abort();
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Hung and streaming requests would keep close() waiting forever.
        server.closeAllConnections();
      });
    },
  };
}

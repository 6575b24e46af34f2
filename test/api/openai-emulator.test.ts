/**
 * The local OpenAI-compatible server speaks the chat-completions wire protocol well enough for the official `openai`
 * client, unchanged, over real HTTP: answers and usage, SSE streaming, the model list, the bearer key, and every
 * scripted fault (429 with Retry-After, 500, 503, malformed bodies, truncation, hangs, a slow stream).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { startOpenAIEmulator, type OpenAIEmulator } from '../support/openai-emulator/index.ts';

const documents = { alpha: 'Photosynthesis converts light into chemical energy.', beta: 'BUY CHEAP WATCHES NOW!!!' };
const ask = (text: string) => [
  { role: 'system' as const, content: 'Rate the educational value from 0 to 5. End with "Score: <n>".' },
  { role: 'user' as const, content: text },
];

let emulator: OpenAIEmulator;
let client: OpenAI;
beforeAll(async () => {
  emulator = await startOpenAIEmulator({
    script: ({ messages }) => ({
      content: messages.some((m) => m.content.includes('Photosynthesis')) ? 'Clear science.\nScore: 4' : 'Spam.\nScore: 0',
    }),
  });
  client = new OpenAI({ baseURL: emulator.url, apiKey: 'unused', maxRetries: 0 });
});
afterAll(() => emulator.close());
afterEach(() => {
  emulator.setLatency(0);
  emulator.requests.length = 0;
});

describe('answers', () => {
  it('answers per document with a chat.completion object and counted usage', async () => {
    const before = { ...emulator.usage };
    const a = await client.chat.completions.create({ model: 'judge-a', messages: ask(documents.alpha), temperature: 0 });
    const b = await client.chat.completions.create({ model: 'judge-a', messages: ask(documents.beta) });
    expect(a).toMatchObject({ object: 'chat.completion', model: 'judge-a', choices: [{ index: 0, finish_reason: 'stop' }] });
    expect(a.id).toMatch(/^chatcmpl-/);
    expect(typeof a.created).toBe('number');
    expect(a.choices[0]!.message).toMatchObject({ role: 'assistant', content: 'Clear science.\nScore: 4' });
    expect(b.choices[0]!.message.content).toBe('Spam.\nScore: 0');
    const promptChars = ask(documents.alpha)
      .map((m) => m.content)
      .join('\n').length;
    expect(a.usage).toEqual({
      prompt_tokens: Math.ceil(promptChars / 4),
      completion_tokens: Math.ceil('Clear science.\nScore: 4'.length / 4),
      total_tokens: Math.ceil(promptChars / 4) + Math.ceil('Clear science.\nScore: 4'.length / 4),
    });
    expect(emulator.usage.promptTokens - before.promptTokens).toBe(a.usage!.prompt_tokens + b.usage!.prompt_tokens);
    expect(emulator.usage.completionTokens - before.completionTokens).toBe(a.usage!.completion_tokens + b.usage!.completion_tokens);
    expect(emulator.requests.map((r) => [r.model, r.stream, r.messages[1]!.content, r.reply])).toEqual([
      ['judge-a', false, documents.alpha, 'content'],
      ['judge-a', false, documents.beta, 'content'],
    ]);
    expect(emulator.requests[0]!.body).toMatchObject({ temperature: 0 });
  });

  it('streams the answer as SSE chunks ending in [DONE], with usage when asked', async () => {
    const stream = await client.chat.completions.create({
      model: 'judge-a',
      messages: ask(documents.alpha),
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Clear science.\nScore: 4');
    expect(chunks.filter((c) => c.choices[0]?.delta.content).length).toBeGreaterThan(1);
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('stop');
    expect(chunks.at(-1)!.choices).toEqual([]);
    expect(chunks.at(-1)!.usage!.completion_tokens).toBe(Math.ceil('Clear science.\nScore: 4'.length / 4));
    expect(emulator.requests[0]!.stream).toBe(true);
  });

  it('ends the raw stream with data: [DONE]', async () => {
    const response = await fetch(`${emulator.url}/chat/completions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: ask(documents.beta), stream: true }),
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const lines = (await response.text()).split('\n\n').filter(Boolean);
    expect(lines.every((l) => l.startsWith('data: '))).toBe(true);
    expect(lines.at(-1)).toBe('data: [DONE]');
  });

  it('lists its models', async () => {
    const list = [];
    for await (const model of client.models.list()) list.push(model);
    expect(list).toEqual([expect.objectContaining({ id: 'emulator-judge', object: 'model', owned_by: 'openai-emulator' })]);
    expect((await client.models.retrieve('emulator-judge')).id).toBe('emulator-judge');
    await expect(client.models.retrieve('nope')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('refuses a request without messages with 400 in the API shape', async () => {
    const error = await client.chat.completions.create({ model: 'm', messages: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).type).toBe('invalid_request_error');
  });

  it('cuts an answer longer than max_tokens with finish_reason length', async () => {
    const answer = await client.chat.completions.create({ model: 'm', messages: ask(documents.alpha), max_tokens: 2 });
    expect(answer.choices[0]!.finish_reason).toBe('length');
    expect(answer.choices[0]!.message.content).toBe('Clear sc');
    expect(answer.usage!.completion_tokens).toBe(2);
  });
});

describe('the bearer key', () => {
  let keyed: OpenAIEmulator;
  beforeAll(async () => {
    keyed = await startOpenAIEmulator({ apiKey: 'sk-right' });
  });
  afterAll(() => keyed.close());

  it('answers 401 to a wrong key and serves the right one', async () => {
    const wrong = new OpenAI({ baseURL: keyed.url, apiKey: 'sk-wrong', maxRetries: 0 });
    const error = await wrong.chat.completions.create({ model: 'm', messages: ask('x') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe('invalid_api_key');
    await expect(wrong.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    const right = new OpenAI({ baseURL: keyed.url, apiKey: 'sk-right', maxRetries: 0 });
    expect((await right.chat.completions.create({ model: 'm', messages: ask('x') })).choices[0]!.message.content).toBe('OK');
    expect(keyed.requests.map((r) => [r.authorization, r.reply])).toEqual([
      ['Bearer sk-wrong', 'unauthorized'],
      ['Bearer sk-right', 'content'],
    ]);
  });
});

describe('faults', () => {
  let faulty: OpenAIEmulator;
  beforeAll(async () => {
    faulty = await startOpenAIEmulator();
  });
  afterAll(() => faulty.close());
  const clientOf = (options: ConstructorParameters<typeof OpenAI>[0] = {}) =>
    new OpenAI({ baseURL: faulty.url, apiKey: 'k', maxRetries: 0, ...options });

  it('answers 429 with Retry-After, and the client retries after it', async () => {
    faulty.setScript(() => ({ status: 429, retryAfterSeconds: 2 }));
    const error = await clientOf()
      .chat.completions.create({ model: 'm', messages: ask('x') })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const rateLimit = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(rateLimit.status).toBe(429);
    expect(rateLimit.headers.get('retry-after')).toBe('2');
    expect(rateLimit.code).toBe('rate_limit_exceeded');

    let calls = 0;
    faulty.setScript(() => (++calls === 1 ? { status: 429, retryAfterSeconds: 0.01 } : { content: 'Score: 2' }));
    const answer = await clientOf({ maxRetries: 2 }).chat.completions.create({ model: 'm', messages: ask('x') });
    expect(answer.choices[0]!.message.content).toBe('Score: 2');
    expect(calls).toBe(2);
  });

  it('answers 500 and 503 as server errors', async () => {
    faulty.setScript(() => ({ status: 500 }));
    const e500 = await clientOf()
      .chat.completions.create({ model: 'm', messages: ask('x') })
      .catch((e: unknown) => e);
    expect(e500).toBeInstanceOf(OpenAI.InternalServerError);
    expect((e500 as InstanceType<typeof OpenAI.APIError>).status).toBe(500);
    expect((e500 as InstanceType<typeof OpenAI.APIError>).type).toBe('server_error');
    faulty.setScript(() => ({ status: 503 }));
    const e503 = await clientOf()
      .chat.completions.create({ model: 'm', messages: ask('x') })
      .catch((e: unknown) => e);
    expect(e503).toBeInstanceOf(OpenAI.InternalServerError);
    expect((e503 as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
  });

  it('sends a malformed body, streamed or not, that the client cannot parse', async () => {
    faulty.setScript(() => ({ malformed: true }));
    await expect(clientOf().chat.completions.create({ model: 'm', messages: ask('x') })).rejects.toThrow();
    const stream = await clientOf().chat.completions.create({ model: 'm', messages: ask('x'), stream: true });
    const read = async () => {
      for await (const chunk of stream) void chunk;
    };
    await expect(read()).rejects.toThrow();
  });

  it('truncates an answer with finish_reason length, streamed or not', async () => {
    faulty.setScript(() => ({ truncate: true, content: 'The document explains' }));
    const answer = await clientOf().chat.completions.create({ model: 'm', messages: ask('x') });
    expect(answer.choices[0]).toMatchObject({ finish_reason: 'length', message: { content: 'The document explains' } });
    const stream = await clientOf().chat.completions.create({ model: 'm', messages: ask('x'), stream: true });
    const reasons = [];
    for await (const chunk of stream) reasons.push(chunk.choices[0]?.finish_reason);
    expect(reasons.filter(Boolean)).toEqual(['length']);
  });

  it('hangs until the client times out', async () => {
    faulty.setScript(() => ({ hang: true }));
    const error = await clientOf({ timeout: 300 })
      .chat.completions.create({ model: 'm', messages: ask('x') })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    expect(faulty.requests.at(-1)!.reply).toBe('hang');
  });

  it('streams a slow answer a word at a time: the first words arrive before the last are sent', async () => {
    const content = 'one two three four five six seven eight nine ten';
    faulty.setScript(() => ({ slowStream: true, content, chunkDelayMs: 100 }));
    const stream = await clientOf().chat.completions.create({ model: 'm', messages: ask('x'), stream: true });
    const pieces: string[] = [];
    let sentAtFirstPiece: number | undefined;
    for await (const chunk of stream) {
      const piece = chunk.choices[0]?.delta.content;
      if (!piece) continue;
      sentAtFirstPiece ??= faulty.requests.at(-1)!.piecesSent;
      pieces.push(piece);
    }
    expect(pieces.join('')).toBe(content);
    expect(pieces).toHaveLength(10);
    expect(sentAtFirstPiece).toBeLessThan(10);
    expect(faulty.requests.at(-1)!.piecesSent).toBe(10);

    // Not streamed, the same answer comes whole.
    const whole = await clientOf().chat.completions.create({ model: 'm', messages: ask('x') });
    expect(whole.choices[0]!.message.content).toBe(content);
  });

  it('waits its latency before answering', async () => {
    faulty.setScript(() => ({ content: 'late' }));
    faulty.setLatency(400);
    // The client gives up first: the answer was not sent before the latency passed.
    await expect(clientOf({ timeout: 100 }).chat.completions.create({ model: 'm', messages: ask('x') })).rejects.toBeInstanceOf(
      OpenAI.APIConnectionTimeoutError,
    );
    faulty.setLatency(0);
    expect((await clientOf().chat.completions.create({ model: 'm', messages: ask('x') })).choices[0]!.message.content).toBe('late');
  });
});

describe('npm run openai:emulator', () => {
  it('answers from a JSONL file of document substrings, faults included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'openai-emulator-'));
    const answers = join(dir, 'answers.jsonl');
    writeFileSync(
      answers,
      [
        JSON.stringify({ match: 'Photosynthesis', score: 5 }),
        JSON.stringify({ match: 'WATCHES', content: 'Advert.\nScore: 0' }),
        JSON.stringify({ match: 'overloaded', fault: '503' }),
      ].join('\n'),
    );
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/support/openai-emulator/main.ts', '--port', '0', '--answers', answers, '--default', 'Educational score: 1'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const found = /listening on (\S+)/.exec(out);
          if (found) resolve(found[1]!);
        });
        child.once('exit', (code) => reject(new Error(`emulator exited with ${code}: ${out}`)));
      });
      const cli = new OpenAI({ baseURL: url, apiKey: 'k', maxRetries: 0 });
      const answer = async (text: string) => (await cli.chat.completions.create({ model: 'm', messages: ask(text) })).choices[0]!.message.content;
      expect(await answer(documents.alpha)).toBe('Educational score: 5');
      expect(await answer(documents.beta)).toBe('Advert.\nScore: 0');
      expect(await answer('something else')).toBe('Educational score: 1');
      await expect(answer('the engine is overloaded')).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    } finally {
      child.kill('SIGTERM');
    }
  });
});

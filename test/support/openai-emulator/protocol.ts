import { randomBytes } from 'node:crypto';
import { z } from 'zod';

/**
 * The request side of POST /v1/chat/completions, as far as the emulator reads it. Unknown fields pass through (the
 * OpenAI API takes many more; a client sending them must not be refused). Bounded so a runaway test cannot make the
 * emulator hold gigabytes.
 */
const contentPart = z.object({ type: z.string().max(64), text: z.string().max(4_000_000).optional() }).loose();
export const chatRequestSchema = z
  .object({
    model: z.string().min(1).max(256),
    messages: z
      .array(
        z
          .object({
            role: z.string().min(1).max(64),
            content: z.union([z.string().max(4_000_000), z.array(contentPart).max(1000), z.null()]).optional(),
          })
          .loose(),
      )
      .min(1)
      .max(1000),
    stream: z.boolean().nullish(),
    stream_options: z.object({ include_usage: z.boolean().nullish() }).loose().nullish(),
    max_tokens: z.number().int().positive().nullish(),
    max_completion_tokens: z.number().int().positive().nullish(),
  })
  .loose();
export type ChatRequestBody = z.infer<typeof chatRequestSchema>;

export interface EmulatorMessage {
  role: string;
  content: string;
}

/** A message's text: a string, or the text parts of a content array. */
export function messageText(content: ChatRequestBody['messages'][number]['content']): string {
  if (typeof content === 'string') return content;
  if (!content) return '';
  return content.map((part) => part.text ?? '').join('');
}

/**
 * Tokens of a text by the usual rule of thumb (about four characters a token for English). A real tokenizer
 * (tiktoken) would only change the figures, not what the usage counters are for: that they are counted, summed and
 * priced; and it would tie the emulator to one model family.
 */
export function countTokens(text: string): number {
  return text.length === 0 ? 0 : Math.ceil(text.length / 4);
}

/** The longest prefix of `text` that fits in `tokens` by {@link countTokens}. */
export function cutToTokens(text: string, tokens: number): string {
  return text.slice(0, tokens * 4);
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export type FinishReason = 'stop' | 'length';

export const completionId = () => `chatcmpl-${randomBytes(12).toString('hex')}`;
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A chat.completion object, as the API answers a non-streamed request. */
export function completionBody(id: string, model: string, content: string, finishReason: FinishReason, usage: Usage) {
  return {
    id,
    object: 'chat.completion',
    created: nowSeconds(),
    model,
    system_fingerprint: 'fp_emulator',
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: finishReason }],
    usage,
  };
}

/** A chat.completion.chunk of a streamed answer: a delta, the closing finish_reason, or (with include_usage) the usage. */
export function chunkBody(
  id: string,
  model: string,
  part: { delta?: { role?: 'assistant'; content?: string }; finishReason?: FinishReason; usage?: Usage },
) {
  return {
    id,
    object: 'chat.completion.chunk',
    created: nowSeconds(),
    model,
    system_fingerprint: 'fp_emulator',
    choices: part.usage ? [] : [{ index: 0, delta: part.delta ?? {}, logprobs: null, finish_reason: part.finishReason ?? null }],
    ...(part.usage || part.finishReason ? { usage: part.usage ?? null } : {}),
  };
}

/** An error body in the API's shape, with the type and code the API uses for that status. */
export function errorBody(status: number, message?: string) {
  const known: Record<number, { type: string; code: string | null; message: string }> = {
    400: { type: 'invalid_request_error', code: null, message: 'Invalid request' },
    401: { type: 'invalid_request_error', code: 'invalid_api_key', message: 'Incorrect API key provided.' },
    404: { type: 'invalid_request_error', code: 'not_found', message: 'Not found' },
    413: { type: 'invalid_request_error', code: 'request_too_large', message: 'Request body too large' },
    429: { type: 'requests', code: 'rate_limit_exceeded', message: 'Rate limit reached for requests. Please try again later.' },
    500: { type: 'server_error', code: null, message: 'The server had an error while processing your request.' },
    503: { type: 'server_error', code: 'service_unavailable', message: 'The engine is currently overloaded, please try again later.' },
  };
  const entry = known[status] ?? { type: 'server_error', code: null, message: `Error ${status}` };
  return { error: { message: message ?? entry.message, type: entry.type, param: null, code: entry.code } };
}

/** Pieces of a streamed answer: words with their following whitespace, so joined they give the content back. */
export function streamPieces(content: string): string[] {
  return content.match(/\S+\s*|\s+/g) ?? [];
}

/**
 * One judge's OpenAI-compatible chat-completions endpoint, called through the official `openai` client so vLLM,
 * Ollama, llama.cpp's server and hosted APIs all work. The client's own retries are off (maxRetries 0): ours
 * (./retry.ts) honour Retry-After and count attempts per document.
 */
import OpenAI, { APIError } from 'openai';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Judge } from '../db/schema.ts';
import type { JudgeMessage } from '../../tasks/lib/judge-prompt.ts';
import { MAX_ATTEMPTS, isRetryable, retryAfterMs, retryDelayMs } from './retry.ts';

/** One answer, with what it took. */
export interface JudgeCall {
  content: string;
  /** 'length' when the answer was cut at max_tokens. */
  finishReason: string | null;
  tokensIn: number;
  tokensOut: number;
  latencyMs: number;
  attempts: number;
}

/** A call that failed for good: every attempt used, or an error repeating cannot fix (bad key, unknown model). */
export class JudgeCallError extends Error {
  constructor(
    message: string,
    readonly attempts: number,
    /** Repeating will not help (401, 404, 400): the run stops rather than fail every document alike. */
    readonly fatal: boolean,
  ) {
    super(message);
    this.name = 'JudgeCallError';
  }
}

type Endpoint = Pick<Judge, 'baseUrl' | 'model' | 'apiKeyEnv' | 'temperature' | 'maxTokens' | 'timeoutMs'>;

/**
 * The API key of a judge, read from its environment variable at call time (never stored). Local servers take
 * any key, and the SDK refuses an empty one, so a judge without a variable sends a placeholder.
 */
export function judgeApiKey(judge: Pick<Judge, 'apiKeyEnv'>, env: NodeJS.ProcessEnv = process.env): string {
  if (!judge.apiKeyEnv) return 'no-key';
  const key = env[judge.apiKeyEnv];
  if (!key) throw new JudgeCallError(`the environment variable ${judge.apiKeyEnv} holding the judge's API key is not set`, 0, true);
  return key;
}

/** A caller for one judge: `ask(messages)` resolves to the answer or rejects with a {@link JudgeCallError}. */
export function judgeClient(judge: Endpoint, options: { signal?: AbortSignal; random?: () => number } = {}) {
  const client = new OpenAI({ baseURL: judge.baseUrl, apiKey: judgeApiKey(judge), maxRetries: 0, timeout: judge.timeoutMs });
  const once = async (messages: JudgeMessage[]) => {
    const completion = await client.chat.completions.create(
      { model: judge.model, messages, temperature: judge.temperature, max_tokens: judge.maxTokens },
      { signal: options.signal },
    );
    // Some servers answer 200 with a body that is JSON but not a completion: as unreadable as a malformed one.
    const choice = completion.choices?.[0];
    if (!choice) throw new SyntaxError('the completion has no choices');
    return { choice, usage: completion.usage };
  };
  return {
    async ask(messages: JudgeMessage[]): Promise<JudgeCall> {
      for (let attempt = 1; ; attempt++) {
        const started = performance.now();
        try {
          const { choice, usage } = await once(messages);
          return {
            content: choice.message?.content ?? '',
            finishReason: choice.finish_reason ?? null,
            tokensIn: usage?.prompt_tokens ?? 0,
            tokensOut: usage?.completion_tokens ?? 0,
            latencyMs: Math.round(performance.now() - started),
            attempts: attempt,
          };
        } catch (error) {
          if (options.signal?.aborted) throw error;
          const message = error instanceof Error ? error.message : String(error);
          if (!isRetryable(error)) throw new JudgeCallError(message, attempt, error instanceof APIError);
          if (attempt >= MAX_ATTEMPTS) throw new JudgeCallError(`${message} (after ${attempt} attempts)`, attempt, false);
          const asked = error instanceof APIError ? retryAfterMs(error.headers) : undefined;
          await sleep(retryDelayMs(attempt, asked, options.random), undefined, { signal: options.signal });
        }
      }
    },
  };
}

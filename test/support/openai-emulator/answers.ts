import { z } from 'zod';
import type { EmulatorReply, EmulatorScript } from './index.ts';

/**
 * One line of an answers file: the first line whose `match` occurs in a request's messages answers it. `match` is a
 * substring of the prompt (a phrase of the document, or its id if the prompt carries one). `score` answers
 * "<scoreLabel>: <score>"; `content` answers verbatim; `fault` answers with that fault instead.
 */
export const answerLineSchema = z
  .object({
    match: z.string().min(1).max(10_000),
    score: z.union([z.number(), z.string().max(64)]).optional(),
    content: z.string().max(1_000_000).optional(),
    fault: z.enum(['429', '500', '503', 'malformed', 'truncate', 'hang']).optional(),
  })
  .refine((line) => line.score !== undefined || line.content !== undefined || line.fault !== undefined, {
    message: 'a line needs score, content or fault',
  });
export type AnswerLine = z.infer<typeof answerLineSchema>;

/** Parses a JSONL answers file (blank lines skipped); names the line of the first bad one. */
export function parseAnswers(text: string): AnswerLine[] {
  return text
    .split('\n')
    .map((line, index) => ({ line: line.trim(), index }))
    .filter(({ line }) => line !== '')
    .map(({ line, index }) => {
      const parsed = answerLineSchema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`answers line ${index + 1}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
      return parsed.data;
    });
}

function replyOf(line: AnswerLine, scoreLabel: string): EmulatorReply {
  const content = line.content ?? (line.score !== undefined ? `${scoreLabel}: ${line.score}` : '');
  switch (line.fault) {
    case '429':
      return { status: 429, retryAfterSeconds: 1 };
    case '500':
      return { status: 500 };
    case '503':
      return { status: 503 };
    case 'malformed':
      return { malformed: true };
    case 'hang':
      return { hang: true };
    case 'truncate':
      return { truncate: true, content };
    default:
      return { content };
  }
}

/** A script answering from the lines, and `fallback` when none matches. */
export function scriptFromAnswers(lines: AnswerLine[], fallback: EmulatorReply, scoreLabel = 'Educational score'): EmulatorScript {
  return ({ messages }) => {
    const prompt = messages.map((m) => m.content).join('\n');
    const line = lines.find((l) => prompt.includes(l.match));
    return line ? replyOf(line, scoreLabel) : fallback;
  };
}

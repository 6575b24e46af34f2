/** Labelers validate their draft with the same schema the server uses, so the UI and API never disagree. */
import type { z } from './zod.ts';

/** The first reason `draft` fails `schema`, as "field: message", or null when it is a valid judgment. */
export function draftProblem(schema: z.ZodMiniType, draft: unknown): string | null {
  // An unanswered field reads better as "required" than as zod's type complaint about undefined.
  const result = schema.safeParse(draft, { error: (issue) => (issue.input === undefined ? 'required' : undefined) });
  if (result.success) return null;
  const issue = result.error.issues[0];
  return issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}

/** A free-text justification field whose presence a config switches: off, optional or required. */
import { z } from './zod.ts';

/** Whether the annotator writes a rationale. */
export const rationaleModeSchema = z.enum(['off', 'optional', 'required']);

/** off / optional / required. */
export type RationaleMode = z.infer<typeof rationaleModeSchema>;

const MAX_RATIONALE = 4000;

/**
 * The judgment field for a mode, spread into an object schema: absent when off (so a strict object rejects it),
 * otherwise a trimmed string, non-empty when required.
 */
export function rationaleShape(key: string, mode: RationaleMode) {
  if (mode === 'off') return {};
  const text = z.string().check(z.trim(), z.maxLength(MAX_RATIONALE));
  return { [key]: mode === 'required' ? text.check(z.minLength(1, `${key} is required`)) : z.optional(text) };
}

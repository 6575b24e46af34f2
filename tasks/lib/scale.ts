/** Integer rating scales shared by task configs: schema, judgment validation, gold credit. */
import { z } from './zod.ts';

/** A closed integer range; at most 0..9 so every point has a single digit key. */
export const scaleSchema = z
  .object({ min: z.int().check(z.gte(0), z.lte(9)), max: z.int().check(z.gte(0), z.lte(9)) })
  .check(z.refine((s) => s.max > s.min, { message: 'max must be greater than min' }));

/** An inclusive integer range. */
export type Scale = z.infer<typeof scaleSchema>;

/** Schema of one answer on the scale. */
export function scaleValueSchema(scale: Scale) {
  return z.int().check(z.gte(scale.min), z.lte(scale.max));
}

/** Every point of the scale, lowest first. */
export function scalePoints(scale: Scale): number[] {
  return Array.from({ length: scale.max - scale.min + 1 }, (_, i) => scale.min + i);
}

/** Partial credit for an ordinal answer: 1 when exact, falling linearly to 0 at the far end of the scale. */
export function ordinalCredit(answer: number, expected: number, scale: Scale): number {
  return 1 - Math.abs(answer - expected) / (scale.max - scale.min);
}

/** Mean of a list, or null when empty (an export cell, not a zero). */
export function meanOrNull(values: number[]): number | null {
  return values.length === 0 ? null : values.reduce((sum, v) => sum + v, 0) / values.length;
}

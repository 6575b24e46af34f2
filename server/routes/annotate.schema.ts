import { z } from 'zod';

export const leaseBody = z.object({
  count: z.number().int().min(1).max(10).default(3),
  /** Slots the client already has: renewed, not sent again (see leaseTasks). */
  known: z.array(z.number().int().positive()).max(100).default([]),
});

export const submitBody = z.object({
  clientId: z.string().min(8).max(100),
  slotId: z.number().int().positive(),
  value: z.unknown(),
  timeSpentMs: z
    .number()
    .int()
    .min(0)
    .max(24 * 3600 * 1000)
    .default(0),
});

export const skipBody = z.object({
  clientId: z.string().min(8).max(100).optional(),
  reason: z.string().max(500).default('skipped'),
  flag: z.object({ reason: z.enum(['pii', 'harmful', 'broken', 'other']), note: z.string().max(2000).default('') }).optional(),
});

export const slotParams = z.object({ slotId: z.coerce.number().int().positive() });
export const itemParams = z.object({ itemId: z.coerce.number().int().positive() });

export const adjudicateBody = z.object({ answer: z.unknown(), promoteToGold: z.boolean().default(false) });

export const goldBody = z.object({
  answers: z
    .array(z.object({ externalId: z.string().min(1), answer: z.unknown() }))
    .min(1)
    .max(100_000),
});

/** A page of the review queue: items after this item id. */
export const reviewQuery = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

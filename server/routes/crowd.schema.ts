import { z } from 'zod';
import { moneyAmount } from '../crowd/money.ts';

/** Inputs of the crowd routes (publish and estimate take the channel's own settings); the admin client derives its request types from them. */
export const decideBody = z
  .object({ decision: z.enum(['approve', 'reject']), reason: z.string().min(1).max(1000), bonus: z.optional(moneyAmount) })
  .refine((d) => !d.bonus || d.decision === 'approve', { message: 'Only approved work can get a bonus', path: ['bonus'] });
export const blockBody = z.object({ reason: z.string().min(1).max(1000) });
export const assignmentParams = z.object({ assignmentId: z.coerce.number().int().positive() });
export const workerParams = z.object({ workerId: z.string().min(1).max(100) });
export const hooksBody = z.object({ workspaceId: z.string().min(1).max(100), targetUrl: z.string().url().max(2000).optional() });

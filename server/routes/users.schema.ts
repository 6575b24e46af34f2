import { z } from 'zod';
import { roles } from '../db/schema.ts';

export const createUserBody = z.object({
  email: z.string().email().max(320),
  name: z.string().min(1).max(200),
  password: z.string().min(8).max(1000),
  role: z.enum(roles).default('annotator'),
});

export const updateUserBody = z
  .object({
    role: z.enum(roles),
    disabled: z.boolean(),
    name: z.string().min(1).max(200),
    password: z.string().min(8).max(1000),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');

export const createTokenBody = z.object({ name: z.string().min(1).max(100) });

import { z } from 'zod';
import { aggregationSettingsSchema } from '../quality/aggregation-settings.ts';
import { crowdSettingsSchema } from '../crowd/crowd-settings.ts';

export const projectParams = z.object({ projectId: z.coerce.number().int().positive() });

export const createProjectBody = z.object({
  name: z.string().trim().min(1).max(200),
  description: z.string().max(5000).default(''),
  taskType: z.string().min(1),
  /** The task type's config; its defaults fill what is left out. */
  config: z.record(z.string(), z.unknown()).default({}),
  /** Corpus field → payload field, for task types whose payload is more than the text. */
  fieldMapping: z.record(z.string(), z.string()).default({}),
  trainingMode: z.boolean().default(false),
});

export const updateProjectBody = createProjectBody
  .omit({ taskType: true })
  .extend({ settings: z.object({ aggregation: aggregationSettingsSchema, crowd: crowdSettingsSchema }).partial() })
  .partial();

export const listDocumentsQuery = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  search: z.string().max(200).optional(),
});

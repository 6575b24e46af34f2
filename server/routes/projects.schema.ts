import { z } from 'zod';
import { projectRoles } from '../db/schema.ts';
import { aggregationSettingsSchema } from '../quality/aggregation-settings.ts';
import { crowdSettingsSchema } from '../crowd/crowd-settings.ts';

export const projectParams = z.object({ projectId: z.coerce.number().int().positive() });

/** A project's editable fields, without defaults (an update changes only what it sends). */
const projectFields = z.object({
  name: z.string().trim().min(1).max(200),
  description: z.string().max(5000),
  taskType: z.string().min(1),
  /** The task type's config; its defaults fill what is left out. */
  config: z.record(z.string(), z.unknown()),
  /** Corpus field → payload field, for task types whose payload is more than the text. */
  fieldMapping: z.record(z.string(), z.string()),
  trainingMode: z.boolean(),
  /** Whether every annotator may label it; otherwise only its members (and admins). */
  openToAll: z.boolean(),
});

export const createProjectBody = projectFields.extend({
  description: projectFields.shape.description.default(''),
  config: projectFields.shape.config.default({}),
  fieldMapping: projectFields.shape.fieldMapping.default({}),
  trainingMode: projectFields.shape.trainingMode.default(false),
  openToAll: projectFields.shape.openToAll.default(false),
});

/**
 * A change to a project: only the fields sent. Defaults here would overwrite what a PATCH left out (a description
 * change used to reset training mode, config and field mapping).
 */
export const updateProjectBody = projectFields
  .omit({ taskType: true })
  .extend({ settings: z.object({ aggregation: aggregationSettingsSchema, crowd: crowdSettingsSchema }).partial() })
  .partial();

export const memberParams = projectParams.extend({ userId: z.coerce.number().int().positive() });

export const memberBody = z.object({
  email: z.string().trim().email().max(320),
  role: z.enum(projectRoles),
});

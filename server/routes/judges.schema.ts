import { z } from 'zod';
import { idParam } from '../http/endpoint.ts';

export const judgeParams = z.object({ projectId: idParam, judgeId: idParam });
export const judgeRunParams = z.object({ projectId: idParam, judgeId: idParam, runId: idParam });

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'an environment variable name (letters, digits, _), not the key itself');
const template = z.string().min(1).max(20_000);

/** A judge's settings as an admin gives them; the API key stays in the server's environment, named here. */
export const judgeSettingsFields = {
  name: z.string().trim().min(1).max(100),
  baseUrl: z.url({ protocol: /^https?$/ }).max(2000),
  model: z.string().trim().min(1).max(200),
  apiKeyEnv: envName.nullable().default(null),
  temperature: z.number().min(0).max(2).default(0),
  maxTokens: z.number().int().min(1).max(32_768).default(512),
  concurrency: z.number().int().min(1).max(256).default(4),
  timeoutMs: z.number().int().min(1000).max(600_000).default(60_000),
  promptTemplate: template.nullable().default(null),
  priceInputPerMTok: z.number().min(0).max(10_000).default(0),
  priceOutputPerMTok: z.number().min(0).max(10_000).default(0),
  calibrationSampleSize: z.number().int().min(0).max(100_000).default(100),
};
export const addJudgeBody = z.object(judgeSettingsFields).strict();
export type AddJudgeBody = z.infer<typeof addJudgeBody>;

/** Any subset of the settings; `archived` archives (true) or restores (false) the judge. */
export const updateJudgeBody = z
  .object({
    name: judgeSettingsFields.name,
    baseUrl: judgeSettingsFields.baseUrl,
    model: judgeSettingsFields.model,
    apiKeyEnv: envName.nullable(),
    temperature: z.number().min(0).max(2),
    maxTokens: z.number().int().min(1).max(32_768),
    concurrency: z.number().int().min(1).max(256),
    timeoutMs: z.number().int().min(1000).max(600_000),
    promptTemplate: template.nullable(),
    priceInputPerMTok: z.number().min(0).max(10_000),
    priceOutputPerMTok: z.number().min(0).max(10_000),
    calibrationSampleSize: z.number().int().min(0).max(100_000),
    archived: z.boolean(),
  })
  .partial()
  .strict();
export type UpdateJudgeBody = z.infer<typeof updateJudgeBody>;

/** A preview of a prompt (the judge's, or a template being edited) on one document (the first when none is named). */
export const previewBody = z.object({ template: template.optional(), documentId: z.number().int().positive().optional() }).strict();

/** A run over one batch's documents, or the whole corpus when no batch is named. */
export const startRunBody = z.object({ batchId: z.number().int().positive().optional() }).strict();

/** What to do with a run. */
export const runActionBody = z.object({ action: z.enum(['pause', 'resume', 'cancel']) }).strict();

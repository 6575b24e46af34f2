import { z } from 'zod';
import { idParam } from '../http/endpoint.ts';
import { classifierTrainingSchema } from '../filtering/classifier-training-set.ts';
import { optionsProblem } from '../classifier/model.ts';

export const runParams = z.object({ projectId: idParam, runId: idParam });

/** Training settings: every engine option and the held-out share, each defaulted. */
export const trainBody = classifierTrainingSchema.strict().superRefine((o, ctx) => {
  const problem = optionsProblem(o);
  if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['bucket'] });
});
export type TrainBody = z.infer<typeof trainBody>;

/** A Dolma attribute name: the tagger name pipelines read the attributes under. */
export const attributesQuery = z.object({
  name: z
    .string()
    .regex(/^[a-z0-9_]{1,64}$/, 'lower-case letters, digits and _ only')
    .default('curate_quality'),
});

/** A threshold over the corpus scores, a target model size for the token budget, and the curve's candidate thresholds. */
export const corpusFilterQuery = z.object({
  threshold: z.coerce.number().finite(),
  parameters: z.coerce.number().positive().default(1e9),
  thresholds: z
    .string()
    .transform((s) => s.split(',').map(Number))
    .pipe(z.array(z.number().finite()).min(1).max(200))
    .default(Array.from({ length: 11 }, (_, i) => i / 2)),
});

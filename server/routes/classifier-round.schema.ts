import { z } from 'zod';
import { trainBody } from './classifier.schema.ts';
import { createBatchBody } from './batches.schema.ts';
import { UNCERTAINTY_MEASURES } from '../sampling/uncertainty.ts';

/** An active-learning round: how to retrain, and the uncertainty batch to draw once the corpus is scored. */
export const classifierRoundBody = z
  .object({
    training: trainBody.default(trainBody.parse({})),
    measure: z.enum(UNCERTAINTY_MEASURES).default('margin'),
    batch: createBatchBody.omit({ sampling: true, name: true }).extend({ name: z.string().trim().min(1).max(200).optional() }),
  })
  .strict();
export type ClassifierRound = z.infer<typeof classifierRoundBody>;

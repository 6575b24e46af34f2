import type { Tx } from '../db/store.ts';
import { scoringRun } from '../db/queries/classifier.ts';
import { countUncertainCandidates, streamUncertainCandidates } from '../db/queries/uncertainty.ts';
import { conflict } from '../errors.ts';
import { allocateUncertain, UncertainPicker } from '../sampling/uncertainty.ts';
import type { SamplingPlan } from '../routes/batches.schema.ts';

type UncertaintyPlan = Extract<SamplingPlan, { strategy: 'uncertainty' }>;

/**
 * The documents the classifier that scored the corpus last is least sure of, spread over `plan.field` (the source
 * by default) in proportion to each value's candidates. Refused before any classifier has scored the project.
 * @returns the documents, how many each stratum gave and the run whose scores were read.
 */
export async function sampleUncertain(tx: Tx, projectId: number, plan: UncertaintyPlan, size: number, excludeUsed: boolean) {
  const run = await scoringRun(tx, projectId);
  if (!run)
    throw conflict(
      'No classifier has scored this project yet: train one and score the corpus first (Classifier page, or curate classifier train and score --project NAME)',
    );
  const key = { kind: 'field', field: plan.field } as const;
  const allocation = allocateUncertain(size, await countUncertainCandidates(tx, projectId, run.id, key, excludeUsed));
  const picker = new UncertainPicker(allocation, plan.measure, size);
  for await (const page of streamUncertainCandidates(tx, projectId, run.id, key, excludeUsed)) {
    picker.add(page.map((r) => ({ id: Number(r.id), stratum: r.stratum, probabilities: r.probabilities.map(Number) })));
  }
  const { ids, byStratum } = picker.picked();
  return { documentIds: ids, allocation: byStratum, runId: run.id };
}

import type { ClassifierRun } from '../db/schema.ts';
import { classSchemeSchema } from '../filtering/classifier-training-set.ts';

/** A classifier run as clients see it: settings, figures and its evaluation, without the model or held-out pairs. */
export function presentClassifierRun(run: Omit<ClassifierRun, 'model'>) {
  const { model, majority, length } = run.report;
  const classes = classSchemeSchema.safeParse(run.classes);
  return {
    id: run.id,
    status: run.status,
    settings: run.settings,
    classes: classes.success ? classes.data : null,
    trainExamples: run.trainExamples,
    heldOutExamples: run.heldOutExamples,
    evaluation: model && majority && length ? { model, majority, length } : null,
    message: run.message,
    scoreStatus: run.scoreStatus,
    scored: run.scored,
    scoredAt: run.scoredAt,
    createdAt: run.createdAt,
    finishedAt: run.finishedAt,
  };
}

/** A project's training history, newest first, and the run whose scores its documents carry. */
export function presentClassifierRuns(runs: Omit<ClassifierRun, 'model'>[], scoringRunId: number | null) {
  return { runs: runs.map(presentClassifierRun), scoringRunId };
}

import type { AppContext } from '../context.ts';
import type { Project } from '../db/schema.ts';
import { findClassifierRun, insertClassifierRun, listClassifierRuns, setScoreStatus } from '../db/queries/classifier.ts';
import { appendAudit } from '../db/queries/audit.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import type { ClassifierTraining } from '../filtering/classifier-training-set.ts';
import { classifierLabelsOf, runClassifierScoring, runClassifierTraining } from '../jobs/classifier-runs.ts';
import { runCommand } from './run-command.ts';

async function refuseWhileBusy(ctx: AppContext, project: Project) {
  if (project.archivedAt) throw conflict('The project is archived; restore it first');
  const busy = (await listClassifierRuns(ctx.store.db, project.id)).find((r) => r.status === 'running' || r.scoreStatus === 'running');
  if (busy) throw conflict(`Classifier run ${busy.id} is still ${busy.status === 'running' ? 'training' : 'scoring'}`);
}

/**
 * Starts training a classifier on the project's aggregated results; the run is recorded at once and trains in the
 * background (see jobs/classifier-runs.ts), its progress announced to the project's watchers.
 * @returns the run as it starts.
 */
export async function startClassifierTraining(ctx: AppContext, props: { project: Project; actorId: number; training: ClassifierTraining }) {
  const { project, training } = props;
  if (!classifierLabelsOf(project)) throw badRequest(`A quality classifier learns scores or labels; ${project.taskType} projects have neither`);
  await refuseWhileBusy(ctx, project);
  const run = await runCommand(ctx, async (tx) => {
    const row = await insertClassifierRun(tx, { projectId: project.id, settings: training, createdBy: props.actorId });
    await appendAudit(tx, { actorId: props.actorId, action: 'classifier.train', target: `project:${project.id}`, details: { runId: row.id } });
    return row;
  });
  void runClassifierTraining(ctx, { project, runId: run.id, training });
  return run;
}

/**
 * Starts scoring every document of the project with a trained run, in the background.
 * @returns the run as scoring starts.
 */
export async function startClassifierScoring(ctx: AppContext, props: { project: Project; actorId: number; runId: number }) {
  const { project, runId } = props;
  const run = await findClassifierRun(ctx.store.db, project.id, runId);
  if (!run) throw notFound('Classifier run');
  if (run.status !== 'succeeded') throw conflict(`Classifier run ${runId} has no model (${run.status})`);
  await refuseWhileBusy(ctx, project);
  await runCommand(ctx, async (tx) => {
    await setScoreStatus(tx, runId, 'running', 0);
    await appendAudit(tx, { actorId: props.actorId, action: 'classifier.score', target: `project:${project.id}`, details: { runId } });
  });
  void runClassifierScoring(ctx, { projectId: project.id, runId });
  return (await findClassifierRun(ctx.store.db, project.id, runId))!;
}

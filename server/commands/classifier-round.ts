import type { AppContext } from '../context.ts';
import type { Project } from '../db/schema.ts';
import type { DomainEvent } from '../events.ts';
import { findClassifierRun } from '../db/queries/classifier.ts';
import { setRunMessage } from '../db/queries/uncertainty.ts';
import { describeForLog } from '../describe-error.ts';
import { rootMessage } from '../errors.ts';
import type { ClassifierRound } from '../routes/classifier-round.schema.ts';
import { generateBatch } from './generate-batch.ts';
import { startClassifierScoring, startClassifierTraining } from './train-classifier.ts';

type Done = Extract<DomainEvent, { name: 'classifier:done' }>['payload'];

/**
 * One round of active learning: retrain on the project's current labels, score the corpus with the new model,
 * then draw a batch of the documents it is least sure of. Training starts at once (and is refused as training is);
 * the rest follows in the background, each step announced as the classifier's jobs are, and the run's message
 * says at the end which batch the round made, or why it made none.
 * @returns the run as it starts training.
 */
export async function startClassifierRound(ctx: AppContext, props: { project: Project; actorId: number; round: ClassifierRound }) {
  const { project, actorId, round } = props;
  // Listening before anything starts: a small corpus can be scored before the call that starts scoring returns.
  const seen: Done[] = [];
  const waiters: (() => void)[] = [];
  const unsubscribe = ctx.events.subscribe((e) => {
    if (e.name !== 'classifier:done' || e.payload.projectId !== project.id) return;
    seen.push(e.payload);
    for (const wake of waiters.splice(0)) wake();
  });
  const finished = async (runId: number, phase: Done['phase']): Promise<Done> => {
    for (;;) {
      const done = seen.find((d) => d.runId === runId && d.phase === phase);
      if (done) return done;
      await new Promise<void>((wake) => waiters.push(wake));
    }
  };
  let run;
  try {
    run = await startClassifierTraining(ctx, { project, actorId, training: round.training });
  } catch (error) {
    unsubscribe();
    throw error;
  }
  const runId = run.id;
  // The outcome is written after the run's last classifier:done, so watchers need their own word to re-read it.
  const announceOutcome = async (message: string) => {
    await setRunMessage(ctx.store.db, runId, message);
    ctx.events.publish({ name: 'classifier:round', payload: { projectId: project.id, runId, message }, to: { projectId: project.id } });
  };
  void (async () => {
    try {
      const trained = await finished(runId, 'training');
      if (trained.status !== 'succeeded') return;
      await startClassifierScoring(ctx, { project, actorId, runId });
      const scored = await finished(runId, 'scoring');
      if (scored.status !== 'succeeded') return;
      const { batch, items } = await generateBatch(ctx, {
        actorId,
        projectId: project.id,
        input: {
          ...round.batch,
          name: round.batch.name ?? `Round ${runId}`,
          sampling: { strategy: 'uncertainty', measure: round.measure, field: 'source' },
        },
      });
      await announceOutcome(`round: batch ${batch.id} (${items} documents)`);
    } catch (error) {
      await announceOutcome(`round: no batch: ${rootMessage(error)}`).catch((e) =>
        console.error(`could not record round ${runId}'s outcome: ${describeForLog(e)}`),
      );
    } finally {
      unsubscribe();
    }
  })();
  return (await findClassifierRun(ctx.store.db, project.id, runId))!;
}

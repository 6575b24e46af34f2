/**
 * A judge's blind human sample: a batch of documents it answered, drawn at random (generate-batch's judge-sample
 * strategy) and opened, so the calibration report always has humans to compare the judge with.
 */
import type { AppContext } from '../context.ts';
import type { Project } from '../db/schema.ts';
import { calibrationReport } from '../judges/report/calibration-report.ts';
import { documentsInBatchesOrGold, hasCalibrationSampleBatch, judgesOfProject } from '../db/queries/judge-reports.ts';
import { findProject } from '../db/queries/projects.ts';
import { describeForLog } from '../describe-error.ts';
import { loadCalibration } from './judge-report.ts';
import { generateBatch } from './generate-batch.ts';
import { openBatch } from './manage-batches.ts';
import { createBatchBody } from '../routes/batches.schema.ts';

/**
 * Draws and opens a judge's blind human sample: up to its calibration sample size of the documents it answered,
 * less those it shares with humans already. Returns null when it needs none (or has answered nothing new).
 */
async function drawCalibrationSample(
  ctx: AppContext,
  props: { actorId: number; project: Project; judgeId: number; size?: number; redundancy?: number },
) {
  const { db } = ctx.store;
  const judge = (await judgesOfProject(db, props.project.id)).find((j) => Number(j.id) === props.judgeId);
  if (!judge) return null;
  const { input, answersByDocument } = await loadCalibration(db, props.project, props.judgeId);
  const shared = calibrationReport(input).judges[0]?.shared ?? 0;
  const size = props.size ?? Math.max(0, judge.calibration_sample_size - shared);
  if (size <= 0) return null;
  const taken = await documentsInBatchesOrGold(db, props.project.id, true);
  if (![...answersByDocument.keys()].some((d) => !taken.has(d))) return null;
  const result = await generateBatch(ctx, {
    actorId: props.actorId,
    projectId: props.project.id,
    input: createBatchBody.parse({
      name: `Calibration sample: ${judge.name}`.slice(0, 200),
      size,
      redundancy: props.redundancy ?? 3,
      sampling: { strategy: 'judge-sample', judgeId: props.judgeId },
    }),
  });
  await openBatch(ctx, { actorId: props.actorId, batchId: result.batch.id });
  return result;
}

/**
 * After a judge's run reaches done: its blind human sample, sized by the judge's calibration sample size (0: none),
 * unless it has one already. Opened in the name of whoever added the judge. Never fails the run: a sample that
 * cannot be drawn is logged, and can still be drawn by hand.
 */
export async function drawCalibrationSampleAfterRun(ctx: AppContext, run: { projectId: number; judgeId: number }) {
  try {
    const { db } = ctx.store;
    const project = await findProject(db, run.projectId);
    const judge = (await judgesOfProject(db, run.projectId)).find((j) => Number(j.id) === Number(run.judgeId));
    // A judge no user added (none today) has nobody to open its batch in the name of.
    if (!project || !judge || judge.archived || judge.created_by === null || judge.calibration_sample_size <= 0) return null;
    if (await hasCalibrationSampleBatch(db, run.projectId, run.judgeId)) return null;
    return await drawCalibrationSample(ctx, { actorId: Number(judge.created_by), project, judgeId: Number(run.judgeId) });
  } catch (error) {
    console.error(`judge ${run.judgeId}: calibration sample not drawn: ${describeForLog(error)}`);
    return null;
  }
}

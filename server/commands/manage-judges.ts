/** LLM judges of a project: adding and changing them, previewing their prompt, and starting and steering runs. */
import type { AppContext } from '../context.ts';
import type { Judge, Project } from '../db/schema.ts';
import {
  countUnanswered,
  documentForPreview,
  findJudge,
  findJudgeRun,
  insertJudge,
  insertJudgeRun,
  reopenFailedJudgeRun,
  listJudgeRuns,
  listJudges,
  setJudgeRunStatus,
  unfinishedRunOf,
  unparsedExamples,
  updateJudge,
} from '../db/queries/judges.ts';
import { findBatch } from '../db/queries/batches.ts';
import { appendAudit } from '../db/queries/audit.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import { projectTaskType } from '../../tasks/registry.ts';
import { tryDocumentPayload } from './document-payload.ts';
import { runCommand } from './run-command.ts';
import { interruptJudgeRun, launchJudgeRun } from '../jobs/judge-runs.ts';
import { presentJudge, presentJudgeRun } from '../presenters/judges.ts';
import type { AddJudgeBody, UpdateJudgeBody } from '../routes/judges.schema.ts';

function taskTypeOf(project: Project) {
  const type = projectTaskType(project);
  if (!type) throw badRequest(`unknown task type ${project.taskType}`);
  return type;
}

/** Refuses a template with placeholders the task type does not fill (a typo would reach the model verbatim). */
function checkTemplate(project: Project, template: string | null | undefined) {
  if (!template) return;
  const unknown = taskTypeOf(project).judge.unknownPlaceholders(template);
  if (unknown.length)
    throw badRequest(`promptTemplate: unknown placeholders ${unknown.map((n) => `{{${n}}}`).join(', ')}`, {
      known: Object.keys(taskTypeOf(project).judge.placeholders),
    });
}

const keyAvailable = (judge: Judge) => !judge.apiKeyEnv || Boolean(process.env[judge.apiKeyEnv]);

async function present(ctx: AppContext, judge: Judge) {
  const [lastRun] = await listJudgeRuns(ctx.store.db, judge.id, 1);
  return presentJudge(judge, { lastRun: lastRun ?? null, keyAvailable: keyAvailable(judge) });
}

async function loadJudge(ctx: AppContext, project: Project, judgeId: number) {
  const judge = await findJudge(ctx.store.db, project.id, judgeId);
  if (!judge) throw notFound('Judge');
  return judge;
}

/** Adds a judge; a name already used in the project is refused. */
export async function addJudge(ctx: AppContext, props: { project: Project; actorId: number; settings: AddJudgeBody }) {
  const { project, settings } = props;
  checkTemplate(project, settings.promptTemplate);
  if ((await listJudges(ctx.store.db, project.id, true)).some((j) => j.name === settings.name))
    throw conflict(`A judge named "${settings.name}" already exists in this project`);
  const judge = await runCommand(ctx, async (tx) => {
    const row = await insertJudge(tx, { ...settings, projectId: project.id, createdBy: props.actorId });
    await appendAudit(tx, {
      actorId: props.actorId,
      action: 'judge.add',
      target: `project:${project.id}`,
      details: { judgeId: row.id, model: row.model },
    });
    return row;
  });
  return present(ctx, judge);
}

/** Changes a judge's settings, archives or restores it. */
export async function changeJudge(ctx: AppContext, props: { project: Project; judgeId: number; actorId: number; changes: UpdateJudgeBody }) {
  const { project, changes } = props;
  const judge = await loadJudge(ctx, project, props.judgeId);
  checkTemplate(project, changes.promptTemplate);
  if (changes.name && changes.name !== judge.name && (await listJudges(ctx.store.db, project.id, true)).some((j) => j.name === changes.name))
    throw conflict(`A judge named "${changes.name}" already exists in this project`);
  const { archived, ...settings } = changes;
  const row = await runCommand(ctx, async (tx) => {
    const updated = await updateJudge(tx, judge.id, { ...settings, ...(archived === undefined ? {} : { archivedAt: archived ? new Date() : null }) });
    await appendAudit(tx, {
      actorId: props.actorId,
      action: 'judge.change',
      target: `project:${project.id}`,
      details: { judgeId: judge.id, fields: Object.keys(changes) },
    });
    return updated;
  });
  return present(ctx, row);
}

/** The project's judges with their latest run. */
export async function judgesOfProject(ctx: AppContext, props: { project: Project; withArchived?: boolean }) {
  const rows = await listJudges(ctx.store.db, props.project.id, props.withArchived);
  return { judges: await Promise.all(rows.map((j) => present(ctx, j))), defaultTemplate: taskTypeOf(props.project).judge.template };
}

/** One judge with its runs. */
export async function judgeWithRuns(ctx: AppContext, props: { project: Project; judgeId: number }) {
  const judge = await loadJudge(ctx, props.project, props.judgeId);
  const runs = await listJudgeRuns(ctx.store.db, judge.id);
  return { judge: await present(ctx, judge), runs: runs.map((r) => presentJudgeRun(r)) };
}

/**
 * The exact messages a judge would be sent for one document (one conversation per order asked), with the template
 * they come from and its placeholders: returned as data, for the admin to read as text.
 */
export async function previewJudgePrompt(ctx: AppContext, props: { project: Project; judgeId?: number; template?: string; documentId?: number }) {
  const { project } = props;
  const type = taskTypeOf(project);
  const judge = props.judgeId === undefined ? undefined : await loadJudge(ctx, project, props.judgeId);
  const template = props.template ?? judge?.promptTemplate ?? type.judge.template;
  checkTemplate(project, template);
  const doc = await documentForPreview(ctx.store.db, project.id, props.documentId);
  if (!doc) throw notFound('Document');
  const payload = tryDocumentPayload(project, doc);
  if ('problem' in payload) throw badRequest(`document ${doc.id} cannot be shown as this task: ${payload.problem}`);
  return {
    documentId: Number(doc.id),
    template,
    placeholders: type.judge.placeholders,
    conversations: type.judge.messages(template, payload.payload),
  };
}

/** Starts a run of the judge over a batch's documents or the whole corpus (those it has not answered yet). */
export async function startJudgeRun(ctx: AppContext, props: { project: Project; judgeId: number; batchId?: number; actorId: number }) {
  const { project } = props;
  if (project.archivedAt) throw conflict('The project is archived; restore it first');
  const judge = await loadJudge(ctx, project, props.judgeId);
  if (judge.archivedAt) throw conflict('The judge is archived; restore it first');
  if (props.batchId !== undefined) {
    const batch = await findBatch(ctx.store.db, props.batchId);
    if (!batch || batch.projectId !== project.id) throw notFound('Batch');
  }
  const busy = await unfinishedRunOf(ctx.store.db, judge.id);
  if (busy) throw conflict(`Run ${busy.id} of this judge is ${busy.status}; resume or cancel it first`, { runId: busy.id });
  const batchId = props.batchId ?? null;
  const run = await runCommand(ctx, async (tx) => {
    const total = await countUnanswered(tx, judge.id, project.id, batchId);
    const row = await insertJudgeRun(tx, {
      judgeId: judge.id,
      projectId: project.id,
      scope: batchId === null ? 'corpus' : 'batch',
      batchId,
      total,
      createdBy: props.actorId,
    });
    await appendAudit(tx, {
      actorId: props.actorId,
      action: 'judge.run',
      target: `project:${project.id}`,
      details: { judgeId: judge.id, runId: row.id, batchId },
    });
    return row;
  });
  void launchJudgeRun(ctx, run.id);
  return presentJudgeRun(run);
}

/** A run of the judge, with examples of its unparsed answers. */
export async function judgeRun(ctx: AppContext, props: { project: Project; judgeId: number; runId: number }) {
  const run = await findJudgeRun(ctx.store.db, props.runId);
  if (!run || run.projectId !== props.project.id || run.judgeId !== props.judgeId) throw notFound('Judge run');
  return presentJudgeRun(run, await unparsedExamples(ctx.store.db, run.id));
}

/** Pauses, resumes or cancels a run: a paused run keeps its answers and picks up where it stopped. */
export async function steerJudgeRun(
  ctx: AppContext,
  props: { project: Project; judgeId: number; runId: number; action: 'pause' | 'resume' | 'cancel'; actorId: number },
) {
  const run = await findJudgeRun(ctx.store.db, props.runId);
  if (!run || run.projectId !== props.project.id || run.judgeId !== props.judgeId) throw notFound('Judge run');
  const allowed = { pause: ['queued', 'running'], resume: ['paused', 'failed'], cancel: ['queued', 'running', 'paused'] }[props.action];
  if (!allowed.includes(run.status)) throw conflict(`Run ${run.id} is ${run.status}; it cannot be ${props.action}d`);
  const status = { pause: 'paused', resume: 'queued', cancel: 'cancelled' } as const;
  const updated = await runCommand(ctx, async (tx) => {
    // A failed run is resumed by reopening it; the status helper only moves unfinished runs.
    if (run.status === 'failed') await reopenFailedJudgeRun(tx, run.id);
    const row = await setJudgeRunStatus(tx, run.id, status[props.action], {
      finished: props.action === 'cancel',
      ...(props.action === 'resume' ? { lastError: null } : {}),
    });
    await appendAudit(tx, {
      actorId: props.actorId,
      action: `judge.run.${props.action}`,
      target: `project:${props.project.id}`,
      details: { runId: run.id },
    });
    return row!;
  });
  if (props.action === 'resume') void launchJudgeRun(ctx, run.id);
  else interruptJudgeRun(ctx, run.id);
  return presentJudgeRun(updated);
}

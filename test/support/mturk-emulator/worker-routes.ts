import type { ServerResponse } from 'node:http';
import { meetsRequirement } from './qualification-check.ts';
import type { EmulatorState } from './state.ts';
import { assignmentsOf, hitStatus, newId } from './state.ts';

/** What the worker side needs from the emulator. */
export interface WorkerContext {
  state: EmulatorState;
  now: () => number;
  tick: () => void;
  origin: () => string;
}

/** Thrown for a refused worker action; answered with a 400. */
export class WorkerRefusal extends Error {}

const ANSWER_NS = 'http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/2005-10-01/QuestionFormAnswers.xsd';
const xmlEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The frame URL MTurk loads: the ExternalURL plus assignmentId/hitId/workerId/turkSubmitTo. */
function frameUrl(externalUrl: string, params: Record<string, string>): string {
  const url = new URL(externalUrl);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}

/** Preview URL: assignmentId=ASSIGNMENT_ID_NOT_AVAILABLE and no workerId, as MTurk shows browsing workers. */
export function previewHit({ state, origin }: WorkerContext, hitId: string): { url: string } {
  const hit = state.hits.get(hitId);
  if (!hit?.externalUrl) throw new WorkerRefusal(`Unknown HIT ${hitId}`);
  return { url: frameUrl(hit.externalUrl, { assignmentId: 'ASSIGNMENT_ID_NOT_AVAILABLE', hitId, turkSubmitTo: origin() }) };
}

/** A worker accepts a HIT: blocks, qualifications, one assignment per worker and free slots are enforced. */
export function acceptHit(ctx: WorkerContext, hitId: string, workerId: string): { assignmentId: string; url: string } {
  const { state, now } = ctx;
  ctx.tick();
  const hit = state.hits.get(hitId);
  if (!hit?.externalUrl) throw new WorkerRefusal(`Unknown HIT ${hitId}`);
  if (hitStatus(state, hit, now()) !== 'Assignable') throw new WorkerRefusal('This HIT is no longer available.');
  if (state.blocks.has(workerId)) throw new WorkerRefusal('You are blocked by this requester.');
  if (assignmentsOf(state, hitId).some((a) => a.workerId === workerId)) throw new WorkerRefusal('You have already worked on this HIT.');
  const unmet = hit.type.requirements.find((r) => !meetsRequirement(state, workerId, r));
  if (unmet) throw new WorkerRefusal(`You do not meet qualification ${unmet.QualificationTypeId}.`);
  const id = newId();
  state.assignments.set(id, {
    id,
    hitId,
    workerId,
    status: 'Accepted',
    acceptMs: now(),
    deadlineMs: now() + hit.type.assignmentDurationSeconds * 1000,
  });
  return { assignmentId: id, url: frameUrl(hit.externalUrl, { assignmentId: id, hitId, workerId, turkSubmitTo: ctx.origin() }) };
}

/** The worker's browser posts the task form: every field but assignmentId becomes a FreeText answer. */
export function externalSubmit(ctx: WorkerContext, form: URLSearchParams): void {
  const { state, now } = ctx;
  ctx.tick();
  const assignmentId = form.get('assignmentId') ?? '';
  const a = state.assignments.get(assignmentId);
  if (!a) throw new WorkerRefusal('Unknown assignmentId.');
  if (a.status !== 'Accepted') throw new WorkerRefusal(`This assignment is ${a.status}, not in progress.`);
  const answers = [...form.entries()]
    .filter(([key]) => key !== 'assignmentId')
    .map(([key, value]) => `<Answer><QuestionIdentifier>${xmlEscape(key)}</QuestionIdentifier><FreeText>${xmlEscape(value)}</FreeText></Answer>`);
  a.answer = `<?xml version="1.0" encoding="ASCII"?><QuestionFormAnswers xmlns="${ANSWER_NS}">${answers.join('')}</QuestionFormAnswers>`;
  a.status = 'Submitted';
  a.submitMs = now();
  a.autoApprovalMs = now() + state.hits.get(a.hitId)!.type.autoApprovalDelaySeconds * 1000;
}

/** The small HTML page MTurk answers a form post with; its empty icon spares browsers a /favicon.ico request the API would refuse. */
export function sendHtml(res: ServerResponse, status: number, message: string): void {
  const body = `<!doctype html><html><head><link rel="icon" href="data:,"></head><body><p>${xmlEscape(message)}</p></body></html>`;
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

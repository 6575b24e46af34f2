import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Prefix of every requester operation in the X-Amz-Target header. */
export const TARGET_PREFIX = 'MTurkRequesterServiceV20170117.';

/** A modelled MTurk error; the SDK maps `__type` RequestError/ServiceFault to its typed exceptions. */
export class TurkError extends Error {
  constructor(
    readonly turkErrorCode: string,
    message: string,
    readonly status = 400,
    readonly type = 'RequestError',
  ) {
    super(message);
  }
}

/** Shorthand for the RequestError most validations raise. */
export const requestError = (code: string, message: string) => new TurkError(`AWS.MechanicalTurk.${code}`, message);

/** Writes a JSON 1.1 response with the headers the real service sends. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/x-amz-json-1.1',
    'x-amzn-RequestId': randomUUID(),
    Date: new Date().toUTCString(),
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Reads the whole request body as text. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** An operation handler: validated JSON input in, JSON output out. */
export type Operation = (input: Record<string, unknown>) => Record<string, unknown> | void;

/** Routes one requester API call by X-Amz-Target and maps thrown errors to the wire format MTurk uses. */
export function handleApiCall(req: IncomingMessage, res: ServerResponse, body: string, ops: Record<string, Operation>, nowMs: () => number): void {
  const target = String(req.headers['x-amz-target'] ?? '');
  const op = target.startsWith(TARGET_PREFIX) ? ops[target.slice(TARGET_PREFIX.length)] : undefined;
  if (!op) return sendJson(res, 400, { __type: 'UnknownOperationException', message: `Unknown operation ${target}` });
  let input: unknown;
  try {
    input = body.trim() === '' ? {} : JSON.parse(body);
  } catch (error) {
    return sendJson(res, 400, { __type: 'SerializationException', message: (error as Error).message });
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return sendJson(res, 400, { __type: 'SerializationException', message: 'Body must be a JSON object' });
  }
  try {
    sendJson(res, 200, op(input as Record<string, unknown>) ?? {});
  } catch (error) {
    if (error instanceof TurkError) {
      return sendJson(res, error.status, {
        __type: error.type,
        Message: `${error.message} (${Math.floor(nowMs())})`,
        TurkErrorCode: error.turkErrorCode,
      });
    }
    sendJson(res, 500, {
      __type: 'ServiceFault',
      Message: `Internal error: ${(error as Error).message}`,
      TurkErrorCode: 'AWS.MechanicalTurk.ServiceFault',
    });
  }
}

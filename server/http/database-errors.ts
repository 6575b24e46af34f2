import { AppError, badRequest, conflict, storeUnavailable } from '../errors.ts';

/** Every error an error wraps, outermost first: drizzle wraps the driver's error in `cause`, and so may we. */
export function* causeChain(error: unknown): Generator<unknown> {
  const seen = new Set<unknown>();
  for (let e = error; e !== null && e !== undefined && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    yield e;
    if (typeof e !== 'object') return;
  }
}

/** Socket errors of a connection to the database that broke. */
const BROKEN_SOCKET = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/**
 * SQLSTATEs of a server going away or refusing work: admin_shutdown (a terminated backend), crash_shutdown,
 * cannot_connect_now (starting or stopping), too_many_connections. Class 08 (connection exception) is taken whole.
 */
const SERVER_GONE = new Set(['57P01', '57P02', '57P03', '53300']);
/** What node-postgres says, without a code, of a connection that died under a query or before it. */
const CONNECTION_DIED = ['Connection terminated unexpectedly', 'Client has encountered a connection error and is not queryable'];

/** Integrity violations that mean the request conflicts with rows already there. */
const CONFLICTS: Record<string, string> = {
  '23505': 'That already exists',
  '23503': 'That refers to a record that does not exist, or is still referred to by others',
  '23P01': 'That overlaps with an existing record',
};
/** Values the database refuses as such: not-null and check violations, and the data-exception class 22. */
const REFUSED_VALUE = new Set(['23502', '23514', '54000']);

/**
 * The client-facing error a database or driver failure somewhere in the cause chain stands for, or undefined when
 * the chain holds none (a bug: 500). Messages never carry SQL or parameters; a refused value's message is the
 * database's own, which names the caller's value at most.
 */
export function classifyDatabaseError(error: unknown): AppError | undefined {
  for (const e of causeChain(error)) {
    if (e instanceof AppError) return e;
    const { code, message } = (e ?? {}) as { code?: unknown; message?: unknown };
    if (typeof code === 'string') {
      if (BROKEN_SOCKET.has(code) || SERVER_GONE.has(code) || code.startsWith('08')) return storeUnavailable(e);
      if (code in CONFLICTS) return conflict(CONFLICTS[code]);
      if (code.length === 5 && (code.startsWith('22') || REFUSED_VALUE.has(code))) {
        return badRequest(`The database refused a value: ${typeof message === 'string' ? message : code}`);
      }
    }
    if (typeof message === 'string' && CONNECTION_DIED.includes(message)) return storeUnavailable(e);
  }
  return undefined;
}

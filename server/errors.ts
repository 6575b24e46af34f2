/** An error meant for the client: an HTTP status, a stable machine id and a human message. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly id: string,
    message: string,
    readonly details?: unknown,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** 400: the request is malformed or fails validation. */
export const badRequest = (message: string, details?: unknown) => new AppError(400, 'bad_request', message, details);
/** 401: no valid credentials. */
export const unauthenticated = (message = 'Sign in required') => new AppError(401, 'unauthenticated', message);
/** 403: authenticated but not allowed. */
export const forbidden = (message = 'Not allowed') => new AppError(403, 'forbidden', message);
/** 404: the named thing does not exist (or is hidden from the caller). */
export const notFound = (what: string) => new AppError(404, 'not_found', `${what} not found`);
/** 409: the request conflicts with current state. */
export const conflict = (message: string, details?: unknown) => new AppError(409, 'conflict', message, details);
/** 422: the input was understood but cannot be processed (e.g. an import with bad rows). */
export const unprocessable = (message: string, details?: unknown) => new AppError(422, 'unprocessable', message, details);
/** 429: too many attempts. */
export const tooManyRequests = (message: string) => new AppError(429, 'rate_limited', message);
/** 503: the database cannot be reached right now (restarting, down, out of connections); the cause says why. */
export const storeUnavailable = (cause: unknown) =>
  new AppError(503, 'store_unavailable', 'The database is unavailable right now; try again in a few seconds.', undefined, { cause });

/** The innermost message of an error chain: drizzle wraps driver errors with the whole SQL text, which users need not see. */
export function rootMessage(error: unknown): string {
  let e = error as { message?: string; cause?: unknown };
  while (e?.cause && typeof e.cause === 'object') e = e.cause as typeof e;
  return e?.message ?? String(error);
}

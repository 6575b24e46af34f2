import { AppError } from '../../errors.ts';

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH']);

/**
 * Turns the SDK's failures to reach the channel at all (no credentials, endpoint down) into a 502 an admin can act
 * on; MTurk's own answers (RequestError, ServiceFault) pass through unchanged for the adapter to read.
 */
export function connectionFailure(error: unknown, endpoint: string): unknown {
  const e = error as { name?: string; code?: string; cause?: { code?: string } } | null;
  if (e?.name === 'CredentialsProviderError') {
    return new AppError(
      502,
      'crowd_credentials',
      `No AWS credentials for ${endpoint}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE), or point MTURK_ENDPOINT at a local emulator.`,
    );
  }
  const code = e?.code ?? e?.cause?.code;
  if (code && UNREACHABLE.has(code)) return new AppError(502, 'crowd_unreachable', `The crowd endpoint ${endpoint} could not be reached (${code}).`);
  return error;
}

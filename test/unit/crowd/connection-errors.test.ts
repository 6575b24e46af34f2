import { describe, expect, it } from 'vitest';
import { connectionFailure } from '../../../server/crowd/mturk/connection-errors.ts';
import { AppError } from '../../../server/errors.ts';

const endpoint = 'https://mturk-requester-sandbox.us-east-1.amazonaws.com';

describe('connectionFailure', () => {
  it('explains missing credentials with what to set', () => {
    const error = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    const out = connectionFailure(error, endpoint) as AppError;
    expect(out).toBeInstanceOf(AppError);
    expect(out.status).toBe(502);
    expect(out.message).toMatch(/AWS_ACCESS_KEY_ID/);
  });

  it('names the endpoint that could not be reached, from the error or its cause', () => {
    expect((connectionFailure(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), endpoint) as AppError).message).toContain(endpoint);
    expect((connectionFailure(Object.assign(new Error('x'), { cause: { code: 'ENOTFOUND' } }), endpoint) as AppError).id).toBe('crowd_unreachable');
  });

  it("passes MTurk's own answers through for the adapter to read", () => {
    const requestError = Object.assign(new Error('The HIT does not exist'), {
      name: 'RequestError',
      TurkErrorCode: 'AWS.MechanicalTurk.HITDoesNotExist',
    });
    expect(connectionFailure(requestError, endpoint)).toBe(requestError);
  });
});

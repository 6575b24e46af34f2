import { describe, expect, it } from 'vitest';
import { documentPayload, tryDocumentPayload } from '../../../server/commands/document-payload.ts';

const pairwise = { taskType: 'pairwise-preference', fieldMapping: {} };
const synthetic = { taskType: 'synthetic-review', fieldMapping: {} };

describe('tryDocumentPayload', () => {
  it('builds the payload of a document the task type can show', () => {
    const doc = { text: 'ignored', meta: { prompt: 'p', response_a: 'a', response_b: 'b' } };
    expect(tryDocumentPayload(pairwise, doc)).toEqual({ payload: { prompt: 'p', responseA: 'a', responseB: 'b' } });
    expect(documentPayload(pairwise, doc)).toEqual({ prompt: 'p', responseA: 'a', responseB: 'b' });
  });

  it('names the field a pairwise document lacks', () => {
    const outcome = tryDocumentPayload(pairwise, { text: 'x', meta: { prompt: 'p', response_a: 'a' } });
    expect(outcome).toEqual({ problem: expect.stringMatching(/no field "response_b"/) });
  });

  it('names the field the mapping points at when it is absent', () => {
    const outcome = tryDocumentPayload({ ...synthetic, fieldMapping: { prompt: 'instruction' } }, { text: 'a response', meta: {} });
    expect(outcome).toEqual({ problem: expect.stringMatching(/no field "instruction" \(for prompt\)/) });
  });

  it('says which payload field has the wrong type instead of dumping the schema error', () => {
    const outcome = tryDocumentPayload(pairwise, { text: 'x', meta: { prompt: 'p', response_a: 'a', response_b: 7 } });
    expect(outcome).toEqual({ problem: 'pairwise-preference: responseB: Invalid input: expected string, received number' });
  });

  it('refuses an unknown task type rather than throwing', () => {
    expect(tryDocumentPayload({ taskType: 'nope', fieldMapping: {} }, { text: 'x', meta: {} })).toEqual({ problem: 'unknown task type "nope"' });
  });
});

import request from 'supertest';
import type { TestApp } from './test-app.ts';
import type { Role, User } from '../../server/db/schema.ts';
import { createApiToken } from '../../server/commands/api-tokens.ts';
import { importCorpus } from '../../server/commands/import-corpus.ts';
import { generateBatch } from '../../server/commands/generate-batch.ts';
import { openBatch } from '../../server/commands/manage-batches.ts';
import { addProjectMember } from '../../server/commands/manage-members.ts';
import { createBatchBody } from '../../server/routes/batches.schema.ts';
import { Readable } from 'node:stream';
import { randomUUID } from 'node:crypto';

/** Imports documents given as records into a project, through the real import path. */
export async function buildDocuments(t: TestApp, projectId: number, records: Record<string, unknown>[]) {
  const body = records.map((r) => JSON.stringify(r)).join('\n');
  const summary = await importCorpus(t.ctx, {
    projectId,
    userId: t.admin.id,
    options: { filename: 'fixture.jsonl', textField: 'text', idField: 'id', maxErrors: 0 },
    input: Readable.from([Buffer.from(body)]),
    maxDocumentBytes: 1_000_000,
  });
  if (summary.status !== 'succeeded') throw new Error(summary.message);
  return summary;
}

/** Generates a batch (defaults filled by the request schema) and opens it unless told not to. */
export async function buildBatch(t: TestApp, projectId: number, input: Record<string, unknown> = {}, open = true) {
  const result = await generateBatch(t.ctx, {
    actorId: t.admin.id,
    projectId,
    input: createBatchBody.parse({ name: 'batch', size: 1000, ...input }),
  });
  if (open) await openBatch(t.ctx, { actorId: t.admin.id, batchId: result.batch.id });
  return result;
}

/** Makes the user a member of the project in a role (reviewers review only projects they are reviewer members of). */
export async function joinProject(t: TestApp, projectId: number, user: Pick<User, 'email'>, role: 'annotator' | 'reviewer') {
  return (await addProjectMember(t.ctx, { actorId: t.admin.id, projectId, email: user.email, role })).member;
}

/** A user of a role with an API token: an HTTP client that needs no session or CSRF token. */
export async function buildTokenClient(t: TestApp, role: Role = 'annotator') {
  const user: User = await t.buildUser(role);
  const { secret } = await createApiToken(t.ctx, { userId: user.id, name: 'test' });
  const auth = { Authorization: `Bearer ${secret}` };
  return {
    user,
    authorization: auth.Authorization,
    get: (path: string) => request(t.url).get(path).set(auth),
    post: (path: string, body: object = {}) => request(t.url).post(path).set(auth).send(body),
    put: (path: string, body: object = {}) => request(t.url).put(path).set(auth).send(body),
  };
}

/**
 * Leases and labels everything a client is offered, through the real API. `valueOf` gets the number in the
 * document's `doc-<n>` id and returns the judgment.
 */
export async function labelAll(client: Awaited<ReturnType<typeof buildTokenClient>>, projectId: number, valueOf: (i: number) => unknown) {
  for (;;) {
    const { body } = await client.post(`/api/projects/${projectId}/tasks/lease`, { count: 5 }).expect(200);
    if (!body.tasks.length) return;
    for (const task of body.tasks) {
      const i = Number((task.document.externalId as string).slice(4));
      await client
        .post(`/api/projects/${projectId}/judgments`, { clientId: randomUUID(), slotId: task.slotId, value: valueOf(i), timeSpentMs: 4000 })
        .expect(201);
    }
  }
}

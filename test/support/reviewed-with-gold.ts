import request from 'supertest';
import type { TestApp } from './test-app.ts';
import { buildBatch, buildDocuments, buildTokenClient, labelAll } from './factories.ts';

const DECISIONS = ['accept', 'reject', 'needs-edit'] as const;

/** The right decision on document i. */
export const truthOf = (i: number) => DECISIONS[i % 3];

/**
 * A synthetic-review project of `documents` samples, each reviewed by three annotators: one always right, one
 * rejecting every fourth sample whatever it is, one accepting everything; the first `gold` samples have gold answers
 * (given after the batch, so they were reviewed as ordinary samples). `aggregation` settings apply from the start.
 */
export async function buildReviewedProjectWithGold(
  t: TestApp,
  { documents, gold, aggregation }: { documents: number; gold: number; aggregation?: Record<string, unknown> },
) {
  const project = await t.buildProject({ taskType: 'synthetic-review' });
  const admin = await buildTokenClient(t, 'admin');
  // Before any judgment, so no background run aggregates under other settings first.
  if (aggregation)
    await request(t.url)
      .patch(`/api/projects/${project.id}`)
      .set('Authorization', admin.authorization)
      .send({ settings: { aggregation } })
      .expect(200);
  await buildDocuments(
    t,
    project.id,
    Array.from({ length: documents }, (_, i) => ({ id: `doc-${i}`, prompt: `Question ${i}`, text: `Answer ${i}` })),
  );
  await buildBatch(t, project.id, { redundancy: 3 });
  const verdict = (decision: (typeof DECISIONS)[number], i: number) =>
    decision === 'needs-edit' ? { decision, correctedText: `Answer ${i}, corrected` } : { decision, tags: decision === 'reject' ? ['factual'] : [] };
  const annotators = await Promise.all([0, 1, 2].map(() => buildTokenClient(t)));
  await labelAll(annotators[0], project.id, (i) => verdict(truthOf(i), i));
  await labelAll(annotators[1], project.id, (i) => verdict(i % 4 === 0 ? 'reject' : truthOf(i), i));
  await labelAll(annotators[2], project.id, (i) => verdict('accept', i));
  const answers = Array.from({ length: gold }, (_, i) => ({ externalId: `doc-${i}`, answer: { decision: truthOf(i) } }));
  await admin.put(`/api/projects/${project.id}/gold`, { answers }).expect(200);
  return { project, admin };
}

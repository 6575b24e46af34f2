import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppContext } from '../context.ts';
import type { User } from '../db/schema.ts';
import { createProject } from './manage-projects.ts';
import { importCorpus } from './import-corpus.ts';
import { generateBatch } from './generate-batch.ts';
import { openBatch } from './manage-batches.ts';
import { createBatchBody } from '../routes/batches.schema.ts';

const demoCorpus = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scripts/demo/web-sample.jsonl');

/**
 * First run only: a demo quality-rating project over a small mixed web sample (including a hostile document), with
 * an open batch stratified by source, open to all annotators, so a new user can label at once.
 */
export async function seedDemo(ctx: AppContext, admin: User) {
  const project = await createProject(ctx, {
    actorId: admin.id,
    name: 'Demo: web sample quality',
    description:
      'Educational value (0-5) of a small mixed web sample. Created on first run; keep it, or archive or delete it under Project settings.',
    taskType: 'quality-rating',
    config: {},
    fieldMapping: {},
    trainingMode: false,
    // A demo to try at once: every annotator an admin adds may label it without being made a member.
    openToAll: true,
  });
  await importCorpus(ctx, {
    projectId: project.id,
    userId: admin.id,
    options: { filename: 'web-sample.jsonl', textField: 'text', idField: 'id', maxErrors: 0 },
    input: fs.createReadStream(demoCorpus),
    maxDocumentBytes: ctx.config.MAX_DOCUMENT_BYTES,
  });
  const input = createBatchBody.parse({
    name: 'Demo batch',
    size: 16,
    redundancy: 1,
    sampling: { strategy: 'stratified', field: 'source' },
    seed: 1,
  });
  const { batch } = await generateBatch(ctx, { actorId: admin.id, projectId: project.id, input });
  await openBatch(ctx, { actorId: admin.id, batchId: batch.id });
  return project;
}

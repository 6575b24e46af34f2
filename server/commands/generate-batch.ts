import { randomInt } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { findProject } from '../db/queries/projects.ts';
import {
  countCandidatesByStratum,
  insertBatch,
  insertItemsAndSlots,
  sampleGoldDocuments,
  sampleStratum,
  type StratumKey,
} from '../db/queries/batches.ts';
import { appendAudit } from '../db/queries/audit.ts';
import { materializeJudgeJudgments } from '../db/queries/judges.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import { allocateStrata } from '../sampling/allocate-strata.ts';
import type { CreateBatchInput, SamplingPlan } from '../routes/batches.schema.ts';
import { runCommand, type CommandContext } from './run-command.ts';
import { sampleUncertain } from './sample-uncertain.ts';
import { sampleJudgedAtRandom, sampleJudgeUncertain } from './sample-judged.ts';
import type { Tx } from '../db/store.ts';

export interface GenerateBatchProps {
  actorId: number;
  projectId: number;
  input: CreateBatchInput;
}

/**
 * Samples documents into a new draft batch of items with k slots each, mixing in gold items so that about
 * `goldRate` of the slots are gold. Seeded: the same seed over the same documents gives the same batch.
 * Reports what it could not fill (too few documents in a stratum, too few gold answers).
 */
export async function generateBatch(ctx: CommandContext, props: GenerateBatchProps) {
  const { input } = props;
  const seed = input.seed ?? randomInt(0, 2 ** 31 - 1);
  const key = stratumKeyOf(input.sampling);

  const result = await runCommand(ctx, async (tx) => {
    const project = await findProject(tx, props.projectId);
    if (!project) throw notFound('Project');
    if (project.archivedAt) throw conflict('The project is archived; restore it to add batches');
    const { documentIds, allocation, runId } =
      input.sampling.strategy === 'uncertainty'
        ? await sampleUncertain(tx, project.id, input.sampling, input.size, input.excludeUsed)
        : input.sampling.strategy === 'judge-uncertainty'
          ? {
              ...(await sampleJudgeUncertain(tx, project, {
                ...input.sampling,
                redundancy: input.redundancy,
                size: input.size,
                excludeUsed: input.excludeUsed,
              })),
              runId: undefined,
            }
          : input.sampling.strategy === 'judge-sample'
            ? {
                ...(await sampleJudgedAtRandom(tx, project, {
                  judgeId: input.sampling.judgeId,
                  size: input.size,
                  seed,
                  excludeUsed: input.excludeUsed,
                })),
                runId: undefined,
              }
            : await sampleByStrata(tx, project.id, input, key, seed);
    if (!documentIds.length) {
      throw badRequest(
        input.excludeUsed
          ? 'No documents left to sample: import more, or set excludeUsed to false to sample documents already in batches'
          : 'The project has no documents matching this sampling plan',
      );
    }
    const goldWanted = input.goldRate > 0 ? Math.round((documentIds.length * input.goldRate) / (1 - input.goldRate)) : 0;
    const goldIds = goldWanted ? await sampleGoldDocuments(tx, project.id, goldWanted, seed) : [];

    const batch = await insertBatch(tx, {
      projectId: project.id,
      name: input.name,
      channel: input.channel,
      // An uncertainty batch records the classifier run whose scores chose it: the round it belongs to.
      sampling: { ...input.sampling, size: input.size, excludeUsed: input.excludeUsed, ...(runId ? { runId } : {}) },
      redundancy: input.redundancy,
      goldRate: input.goldRate,
      priority: input.priority,
      seed,
      createdBy: props.actorId,
    });
    await insertItemsAndSlots(
      tx,
      { id: batch.id, projectId: project.id, seed, channel: input.channel },
      [...documentIds.map((documentId) => ({ documentId, isGold: false })), ...goldIds.map((documentId) => ({ documentId, isGold: true }))],
      input.redundancy,
    );
    // Judges that already answered these documents (a corpus run) answer on the new items too, without a slot, so
    // aggregation weighs them beside the humans who label the batch.
    await materializeJudgeJudgments(tx, project.id, { documentIds: [...documentIds, ...goldIds] });
    await appendAudit(tx, {
      actorId: props.actorId,
      action: 'batch.create',
      target: `batch:${batch.id}`,
      details: { size: documentIds.length, gold: goldIds.length },
    });
    const warnings: string[] = [];
    if (documentIds.length < input.size) warnings.push(`Only ${documentIds.length} of ${input.size} documents could be sampled`);
    if (goldIds.length < goldWanted) warnings.push(`Only ${goldIds.length} of ${goldWanted} gold items: add gold answers to reach the gold rate`);
    return {
      batch,
      items: documentIds.length,
      goldItems: goldIds.length,
      slots: (documentIds.length + goldIds.length) * input.redundancy,
      byStratum: Object.fromEntries([...allocation].filter(([, n]) => n > 0)),
      warnings,
    };
  });
  // A bulk insert leaves the planner's statistics stale, and leasing must walk the serving index rather than sort the
  // whole batch: refresh them now instead of waiting for autovacuum.
  await ctx.store.db.execute(sql`analyze slots, items`);
  return result;
}

async function sampleByStrata(tx: Tx, projectId: number, input: CreateBatchInput, key: StratumKey, seed: number) {
  const counts = await countCandidatesByStratum(tx, projectId, key, input.excludeUsed);
  const weights = strataWeights(input.sampling, counts);
  const allocation = allocateStrata(
    input.size,
    counts.map((c) => ({ key: c.key, available: c.n, weight: weights.get(c.key) ?? 0 })),
  );
  const documentIds: number[] = [];
  for (const [value, n] of allocation) {
    if (n > 0) documentIds.push(...(await sampleStratum(tx, projectId, key, value, n, seed, input.excludeUsed)));
  }
  return { documentIds, allocation, runId: undefined };
}

function stratumKeyOf(plan: SamplingPlan): StratumKey {
  if (plan.strategy === 'stratified') return { kind: 'field', field: plan.field };
  if (plan.strategy === 'length') return { kind: 'length' };
  return { kind: 'none' };
}

function strataWeights(plan: SamplingPlan, counts: { key: string }[]): Map<string, number> {
  if ((plan.strategy === 'stratified' || plan.strategy === 'length') && plan.proportions) return new Map(Object.entries(plan.proportions));
  return new Map(counts.map((c) => [c.key, 1]));
}

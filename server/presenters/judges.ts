import type { Judge, JudgeRun } from '../db/schema.ts';
import { workerKeyOfJudge } from '../commands/worker-key.ts';

/** A judge as the API shows it: the name of its key's environment variable, never a key. */
export function presentJudge(judge: Judge, extra: { lastRun?: JudgeRun | null; keyAvailable: boolean }) {
  return {
    id: judge.id,
    projectId: judge.projectId,
    workerKey: workerKeyOfJudge(judge.id),
    name: judge.name,
    baseUrl: judge.baseUrl,
    model: judge.model,
    apiKeyEnv: judge.apiKeyEnv,
    /** Whether the server's environment has the key variable set (local endpoints need none). */
    keyAvailable: extra.keyAvailable,
    temperature: judge.temperature,
    maxTokens: judge.maxTokens,
    concurrency: judge.concurrency,
    timeoutMs: judge.timeoutMs,
    promptTemplate: judge.promptTemplate,
    priceInputPerMTok: judge.priceInputPerMTok,
    priceOutputPerMTok: judge.priceOutputPerMTok,
    calibrationSampleSize: judge.calibrationSampleSize,
    tokensIn: judge.tokensIn,
    tokensOut: judge.tokensOut,
    cost: judge.cost,
    createdAt: judge.createdAt.toISOString(),
    archivedAt: judge.archivedAt?.toISOString() ?? null,
    lastRun: extra.lastRun ? presentJudgeRun(extra.lastRun) : null,
  };
}
export type JudgeView = ReturnType<typeof presentJudge>;

/** What a run's `judge:progress` event says, and the part of the run's view that moves while it runs. */
export function presentJudgeRunProgress(run: JudgeRun) {
  return {
    projectId: run.projectId,
    judgeId: run.judgeId,
    runId: run.id,
    status: run.status,
    total: run.total,
    done: run.done,
    failed: run.failed,
    unparsed: run.unparsed,
    tokensIn: run.tokensIn,
    tokensOut: run.tokensOut,
    cost: run.cost,
    lastError: run.lastError,
  };
}

export function presentJudgeRun(run: JudgeRun, unparsedExamples: { documentId: number; raw: string; parseError: string | null }[] = []) {
  return {
    id: run.id,
    ...presentJudgeRunProgress(run),
    scope: run.scope,
    batchId: run.batchId,
    createdAt: run.createdAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
    /** Recent unparsed answers with why, the raw text cut short (shown as text, never HTML). */
    unparsedExamples: unparsedExamples.map((e) => ({ documentId: e.documentId, raw: e.raw.slice(0, 2000), reason: e.parseError ?? '' })),
  };
}
export type JudgeRunView = ReturnType<typeof presentJudgeRun>;

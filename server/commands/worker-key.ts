/** The aggregation key of an in-house annotator. */
export const workerKeyOfUser = (userId: number) => `u:${userId}`;

/** The aggregation key of a crowd worker on a channel (e.g. `mturk:A1B2C3`). */
export const workerKeyOfCrowd = (channel: string, workerId: string) => `${channel}:${workerId}`;

/** The aggregation key of an LLM judge: a worker of its own kind, one per configured judge. */
export const workerKeyOfJudge = (judgeId: number) => `judge:${judgeId}`;

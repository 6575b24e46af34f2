/** The aggregation key of an in-house annotator. */
export const workerKeyOfUser = (userId: number) => `u:${userId}`;

/** The aggregation key of a crowd worker on a channel (e.g. `mturk:A1B2C3`). */
export const workerKeyOfCrowd = (channel: string, workerId: string) => `${channel}:${workerId}`;

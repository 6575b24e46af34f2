/**
 * A worker thread's entry: computes re-aggregations off the server's event loop. On a busy project the engine
 * takes a second or more, and while it ran on the main thread every request in flight stalled with its connection
 * held mid-transaction (issue 18). One long-lived worker serves every run of the process, one message per run.
 */
import { parentPort } from 'node:worker_threads';
import { computeProjectAggregation, type AggregationSnapshot, type ProjectAggregation } from '../quality/project-aggregation.ts';

/** What the process posts: one snapshot to compute, with the id its answer carries. */
export interface AggregationRequest {
  id: number;
  snapshot: AggregationSnapshot;
}

/** What the worker posts back. */
export type AggregationReply = { id: number; result: ProjectAggregation } | { id: number; error: string };

const port = parentPort!;
port.on('message', ({ id, snapshot }: AggregationRequest) => {
  let reply: AggregationReply;
  try {
    reply = { id, result: computeProjectAggregation(snapshot) };
  } catch (error) {
    reply = { id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  port.postMessage(reply satisfies AggregationReply);
});

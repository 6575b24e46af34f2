import type { CategoricalJudgments } from './types.ts';
import { seededRandom } from './random.ts';

/** Kinds of simulated workers. */
export type WorkerKind = 'expert' | 'regular' | 'spammer' | 'adversary';

/** Settings for a simulated crowd; `mix` gives each kind's share of workers. */
export interface CrowdSimulation {
  nItems: number;
  judgmentsPerItem: number;
  nWorkers: number;
  nClasses: number;
  seed: number;
  mix: Partial<Record<WorkerKind, number>>;
}

/** A simulated crowd with its hidden truth. */
export interface SimulatedCrowd {
  judgments: CategoricalJudgments;
  truth: Int32Array;
  kind: WorkerKind[];
  /** Probability each worker answers the truth (spammers: 1/K; adversaries: 0.1). */
  accuracy: Float64Array;
}

const kindAccuracy: Record<WorkerKind, (random: () => number, nClasses: number) => number> = {
  expert: (random) => 0.9 + 0.08 * random(),
  regular: (random) => 0.6 + 0.25 * random(),
  spammer: (_, nClasses) => 1 / nClasses,
  adversary: () => 0.1,
};

/**
 * Seeded crowd for tests and benchmarks: experts and regular workers are right with their accuracy and
 * otherwise pick a wrong class at random; spammers answer uniformly at random; adversaries deliberately
 * answer the next class (truth + 1 mod K) 90% of the time. Each item gets distinct workers.
 */
export function simulateCrowd(sim: CrowdSimulation): SimulatedCrowd {
  const random = seededRandom(sim.seed);
  const { nItems, judgmentsPerItem: r, nWorkers, nClasses: K } = sim;
  const kinds = Object.entries(sim.mix) as [WorkerKind, number][];
  const totalShare = kinds.reduce((a, [, s]) => a + s, 0);
  const kind: WorkerKind[] = [];
  const accuracy = new Float64Array(nWorkers);
  for (let w = 0; w < nWorkers; w++) {
    let u = random() * totalShare;
    let chosen = kinds[kinds.length - 1][0];
    for (const [k, share] of kinds) {
      if (u < share) {
        chosen = k;
        break;
      }
      u -= share;
    }
    kind.push(chosen);
    accuracy[w] = kindAccuracy[chosen](random, K);
  }
  const truth = new Int32Array(nItems);
  for (let i = 0; i < nItems; i++) truth[i] = Math.floor(random() * K);
  const n = nItems * r;
  const item = new Int32Array(n);
  const worker = new Int32Array(n);
  const label = new Int32Array(n);
  for (let i = 0, j = 0; i < nItems; i++) {
    for (let s = 0; s < r; s++, j++) {
      let w: number;
      do w = Math.floor(random() * nWorkers);
      while (worker.subarray(j - s, j).includes(w));
      item[j] = i;
      worker[j] = w;
      const t = truth[i];
      if (kind[w] === 'spammer') label[j] = Math.floor(random() * K);
      else if (kind[w] === 'adversary') label[j] = random() < 0.9 ? (t + 1) % K : t;
      else label[j] = random() < accuracy[w] ? t : (t + 1 + Math.floor(random() * (K - 1))) % K;
    }
  }
  return { judgments: { nItems, nWorkers, nClasses: K, item, worker, label }, truth, kind, accuracy };
}

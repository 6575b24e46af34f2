/**
 * `npm run bench:aggregate`: times the aggregation engine on 1,000,000 simulated judgments (200,000 items
 * × 5, 2,000 workers, 6 classes) against the targets Dawid-Skene < 3 s and peak RSS < 600 MB.
 */
import { simulateCrowd } from '../../server/aggregation/synthetic-crowd.ts';
import { majorityVote } from '../../server/aggregation/majority-vote.ts';
import { dawidSkene } from '../../server/aggregation/dawid-skene.ts';
import type { CategoricalJudgments } from '../../server/aggregation/types.ts';

const targets = { dawidSkeneSeconds: 3, peakRssMb: 600 };

function timed<T>(run: () => T): { value: T; seconds: number } {
  const start = performance.now();
  const value = run();
  return { value, seconds: (performance.now() - start) / 1000 };
}

/** The floor any method pays: one pass over the judgments, tallying votes per item and class. */
function plainPass(data: CategoricalJudgments): number {
  const counts = new Int32Array(data.nItems * data.nClasses);
  for (let j = 0; j < data.item.length; j++) counts[data.item[j] * data.nClasses + data.label[j]]++;
  return counts[0];
}

function accuracy(label: Int32Array, truth: Int32Array): number {
  let hits = 0;
  for (let i = 0; i < truth.length; i++) if (label[i] === truth[i]) hits++;
  return hits / truth.length;
}

const generated = timed(() =>
  simulateCrowd({
    nItems: 200_000,
    judgmentsPerItem: 5,
    nWorkers: 2_000,
    nClasses: 6,
    seed: 2026,
    mix: { expert: 0.2, regular: 0.6, spammer: 0.15, adversary: 0.05 },
  }),
);
const { judgments, truth } = generated.value;
console.log(`generated ${judgments.item.length.toLocaleString('en')} judgments in ${generated.seconds.toFixed(2)} s`);

const plain = timed(() => plainPass(judgments));
const mv = timed(() => majorityVote(judgments));
const ds = timed(() => dawidSkene(judgments));
const peakRssMb = process.resourceUsage().maxRSS / 1024;

const row = (name: string, seconds: number, extra: string) =>
  console.log(`${name.padEnd(14)} ${seconds.toFixed(3).padStart(7)} s   ${(seconds / plain.seconds).toFixed(1).padStart(7)}× plain pass   ${extra}`);
row('plain pass', plain.seconds, '');
row('majority vote', mv.seconds, `accuracy ${accuracy(mv.value.label, truth).toFixed(4)}, ties ${mv.value.ties}`);
row(
  'Dawid-Skene',
  ds.seconds,
  `accuracy ${accuracy(ds.value.label, truth).toFixed(4)}, ${ds.value.iterations} iterations, converged ${ds.value.converged}`,
);
console.log(`peak RSS ${peakRssMb.toFixed(0)} MB`);
const dsOk = ds.seconds < targets.dawidSkeneSeconds;
const rssOk = peakRssMb < targets.peakRssMb;
console.log(`targets: Dawid-Skene < ${targets.dawidSkeneSeconds} s ${dsOk ? 'met' : 'MISSED'}; peak RSS < ${targets.peakRssMb} MB ${rssOk ? 'met' : 'MISSED'}`);
process.exitCode = dsOk && rssOk ? 0 : 1;

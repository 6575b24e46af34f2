/**
 * `npx tsx scripts/bench/auto-method.ts [--answers 1000000]`: what `auto` costs beside one Dawid-Skene fit measured in
 * the same run, on simulated judgments (answers/5 items × 5, answers/500 workers, 6 classes, a fifth of the workers
 * spammers), without gold and with a tenth of the items gold. Each figure is wall time and CPU time, then the ratio
 * of CPU time to Dawid-Skene's (steadier where other processes share the cores). The search fits on a sample capped
 * at 25,000 answers, so above that the ratio falls as the data grows; the chosen method's own fit on all the answers
 * is part of each figure and is also timed alone, the rest being the search. Checks the search stays within 6
 * Dawid-Skene fits at 10^6 answers (the chosen method's fit costs what it costs when chosen by name).
 */
import { parseArgs } from 'node:util';
import { simulateCrowd } from '../../server/aggregation/synthetic-crowd.ts';
import { dawidSkene } from '../../server/aggregation/dawid-skene.ts';
import { chooseMethod } from '../../server/aggregation/auto-method.ts';
import { categoricalMethods } from '../../server/aggregation/methods.ts';

const { values } = parseArgs({ options: { answers: { type: 'string', default: '1000000' } } });
const answers = Number(values.answers);
const nItems = Math.round(answers / 5);
const crowd = simulateCrowd({
  nItems,
  judgmentsPerItem: 5,
  nWorkers: Math.max(10, Math.round(answers / 500)),
  nClasses: 6,
  seed: 1,
  mix: { expert: 0.2, regular: 0.6, spammer: 0.2 },
});
const gold = Int32Array.from(crowd.truth, (t, i) => (i % 10 === 0 ? t : -1));
const noGold = new Int32Array(nItems).fill(-1);

function timed<T>(run: () => T): { value: T; wall: number; cpu: number } {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const value = run();
  const used = process.cpuUsage(cpu);
  return { value, wall: (performance.now() - start) / 1000, cpu: (used.user + used.system) / 1e6 };
}

const ds = timed(() => dawidSkene(crowd.judgments));
const searches: number[] = [];
const rows = [
  { name: 'Dawid-Skene, one fit', ...ds, note: '' },
  ...[
    { name: 'auto, answers only', gold: undefined },
    { name: 'auto, 10% gold', gold },
  ].map(({ name, gold }) => {
    const run = timed(() => chooseMethod(crowd.judgments, { gold }));
    const chosen = timed(() => categoricalMethods[run.value.method].fit(crowd.judgments, gold ?? noGold));
    const search = run.cpu - chosen.cpu;
    searches.push(search / ds.cpu);
    return {
      name,
      ...run,
      note: `chose ${run.value.method} (${run.value.evidence}, searched ${run.value.searchedAnswers} answers); its fit alone ${chosen.cpu.toFixed(2)} s CPU, the search ×${(search / ds.cpu).toFixed(1)} DS`,
    };
  }),
];
console.log(`${answers} answers, ${nItems} items, ${crowd.judgments.nWorkers} workers, 6 classes`);
for (const row of rows) {
  console.log(`${row.name.padEnd(22)} ${row.wall.toFixed(2)} s wall ${row.cpu.toFixed(2)} s CPU  ×${(row.cpu / ds.cpu).toFixed(1)} DS  ${row.note}`);
}
const worst = Math.max(...searches);
if (answers >= 1_000_000 && worst > 6) {
  console.error(`auto's search took ${worst.toFixed(1)} Dawid-Skene fits of CPU time, above 6`);
  process.exitCode = 1;
}

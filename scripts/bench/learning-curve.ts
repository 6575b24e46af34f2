/**
 * `npm run bench:learning-curve [-- --seeds 3 --start 200 --step 200 --until 2000 --strategies random,margin,entropy]`:
 * the active-learning loop simulated on fineweb_legal (../shared/data/quality; real FineWeb pages scored 0-5): the
 * 2,240 pages of the classifier test's training side are the pool, labels hidden until a page is "labeled"; the 560
 * held-out pages measure every round. Each round trains the real classifier (default options) on the labels so far
 * and draws the next pages by random sampling or by the batch generator's uncertainty sampler (margin or entropy,
 * spread over web domains). Prints, per label count, the held-out Spearman and keep (>= 3) F1 of each strategy as
 * the mean over seeds (min-max beside it), and the CPU seconds the run took.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { learningCurve, type CurvePoint, type CurveStrategy } from '../../server/sampling/learning-curve.ts';
import { finewebLegalFile, finewebLegalPool } from './fineweb-legal.ts';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '3' },
    start: { type: 'string', default: '200' },
    step: { type: 'string', default: '200' },
    until: { type: 'string', default: '2000' },
    strategies: { type: 'string', default: 'random,margin,entropy' },
  },
});
if (!fs.existsSync(finewebLegalFile)) {
  console.error(`fineweb_legal is not at ${finewebLegalFile}: clone the shared folder beside the repository or set CURATE_QUALITY_DATA`);
  process.exit(1);
}
const strategies = values.strategies.split(',') as CurveStrategy[];
for (const s of strategies) if (!['random', 'margin', 'entropy'].includes(s)) throw new Error(`unknown strategy ${s}`);
const seeds = Array.from({ length: Number(values.seeds) }, (_, i) => i + 1);
const settings = {
  classes: ['0', '1', '2', '3', '4', '5'],
  start: Number(values.start),
  step: Number(values.step),
  until: Number(values.until),
  keepAt: 3,
};

const { pool, heldOut } = finewebLegalPool();
console.log(`fineweb_legal: pool ${pool.length} pages (${new Set(pool.map((d) => d.stratum)).size} domains), ${heldOut.length} held out`);
const cpu0 = process.cpuUsage();
const curves = new Map<CurveStrategy, CurvePoint[][]>();
for (const strategy of strategies) {
  for (const seed of seeds) {
    process.stderr.write(`${strategy}, seed ${seed}...\n`);
    curves.set(strategy, [...(curves.get(strategy) ?? []), learningCurve(pool, heldOut, strategy, { ...settings, seed })]);
  }
}
const cpu = process.cpuUsage(cpu0);

const summary = (points: (number | null)[]) => {
  const xs = points.filter((x): x is number => x !== null);
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return `${mean.toFixed(3)} (${Math.min(...xs).toFixed(3)}-${Math.max(...xs).toFixed(3)})`;
};
const labels = curves.get(strategies[0])![0].map((p) => p.labels);
for (const metric of ['spearman', 'keepF1'] as const) {
  console.log(`\n${metric === 'spearman' ? 'held-out Spearman' : 'held-out keep (>= 3) F1'}, mean over ${seeds.length} seeds (min-max)`);
  console.log(`| labels | ${strategies.join(' | ')} |`);
  console.log(`|---|${strategies.map(() => '---').join('|')}|`);
  labels.forEach((n, i) => console.log(`| ${n} | ${strategies.map((s) => summary(curves.get(s)!.map((c) => c[i][metric]))).join(' | ')} |`));
}
console.log(`\n${curves.size * seeds.length} curves, ${labels.length} rounds each: ${((cpu.user + cpu.system) / 1e6).toFixed(0)} CPU seconds`);

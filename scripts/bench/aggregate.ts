/**
 * `npm run bench:aggregate [-- --answers 1000000] [--methods mv,ds,mace,glad,auto]` (every method but EBCC unless asked): times offline aggregation on
 * simulated judgments (answers/5 items × 5, answers/500 workers, 6 classes; 10^6 answers by default, less for a
 * quick run), twice: each method's fit in this process, and `curate aggregate` end to end in a fresh process
 * reading the answers CSV and writing the labels. Both are set beside a plain pass measured in the same run, as
 * ratios: in process one pass tallying votes, end to end a fresh process that parses the same CSV with csv-parse and
 * tallies votes per item and label (crowd-kit, the figure the issue names, is a Python package and not installed).
 * Each figure is wall time and, after it, CPU time, steadier where other processes share the cores; under each end-to-end
 * run, the seconds of its stages (read, encode, gold, fit, calibrate, write) as `curate aggregate --timings` prints them. Beside each
 * method's time: its accuracy and calibration error (ECE, 10 bins) against the simulation's truth, every item known.
 * At 10^6 answers checks Dawid-Skene end to end < 3 s, MACE and GLAD < 10 s, peak RSS in process < 600 MB.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse';
import { csvStream } from '../../server/export/csv-format.ts';
import { simulateCrowd } from '../../server/aggregation/synthetic-crowd.ts';
import { offlineFit, offlineMethods } from '../cli/aggregate.ts';
import { reliability } from '../../server/aggregation/calibration-error.ts';
import type { CategoricalJudgments, CategoricalResult } from '../../server/aggregation/types.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fullSize = 1_000_000;
const targets = { endToEndSeconds: { ds: 3, mace: 10, glad: 10 } as Record<string, number>, peakRssMb: 600 };
/** EBCC's restarts cost about a hundred Dawid-Skene fits: timed on request only (--methods ebcc). */
const defaultMethods = Object.keys(offlineMethods).filter((m) => m !== 'ebcc');

/** The plain pass end to end, run as `aggregate.ts --plain-pass FILE` in the child process it times. */
async function plainPassOverCsv(file: string): Promise<void> {
  const votes = new Map<string, Map<string, number>>();
  const parser = parse({ bom: true, skip_empty_lines: true, from_line: 2 });
  parser.on('data', ([item, , label]: string[]) => {
    let tally = votes.get(item);
    if (!tally) votes.set(item, (tally = new Map()));
    tally.set(label, (tally.get(label) ?? 0) + 1);
  });
  await pipeline(fs.createReadStream(file), parser);
  console.log(`${votes.size} items`);
}

/** The floor any method pays in process: one pass over the judgments, tallying votes per item and class. */
function plainPass(data: CategoricalJudgments): number {
  const counts = new Int32Array(data.nItems * data.nClasses);
  for (let j = 0; j < data.item.length; j++) counts[data.item[j] * data.nClasses + data.label[j]]++;
  return counts[0];
}

interface Timing {
  seconds: number;
  cpuSeconds: number;
}

function timed<T>(run: () => T): Timing & { value: T } {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const value = run();
  const { user, system } = process.cpuUsage(cpu);
  return { value, seconds: (performance.now() - start) / 1000, cpuSeconds: (user + system) / 1e6 };
}

/** Runs a node process with the tsx loader; resolves to its wall and CPU time and stdout, rejecting on a nonzero exit. */
async function timedProcess(args: string[]): Promise<Timing & { stdout: string; stderr: string }> {
  const start = performance.now();
  const cpuReporter = path.join(root, 'scripts/bench/cpu-on-exit.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', cpuReporter, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const [code] = await once(child, 'close');
  if (code !== 0) throw new Error(`${args.join(' ')} exited ${code}: ${stderr.trim()}`);
  const cpuSeconds = Number(/cpu-seconds ([\d.e-]+)/.exec(stderr)?.[1] ?? NaN);
  return { seconds: (performance.now() - start) / 1000, cpuSeconds, stdout, stderr };
}

/** Accuracy and calibration error against the simulation's truth, every item known. */
function scored(result: CategoricalResult, truth: Int32Array): string {
  const r = reliability(
    result.confidence,
    Uint8Array.from(truth, (t, i) => (result.label[i] === t ? 1 : 0)),
  );
  return `accuracy ${r.accuracy.toFixed(4)}, ECE ${r.ece.toFixed(4)}`;
}

async function writeCsv(file: string, rows: Iterable<(string | number)[]>): Promise<void> {
  await pipeline(Readable.from(rows), csvStream(), fs.createWriteStream(file));
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { answers: { type: 'string', default: String(fullSize) }, methods: { type: 'string', default: defaultMethods.join(',') } },
  });
  const size = Number(values.answers);
  const chosen = values.methods.split(',');
  const unknown = chosen.filter((m) => !(m in offlineMethods));
  if (!Number.isInteger(size) || size < 500 || unknown.length > 0) {
    console.error(`bench:aggregate: --answers takes a whole number >= 500, --methods some of ${Object.keys(offlineMethods).join(',')}`);
    return 2;
  }
  const nItems = Math.floor(size / 5);
  const nWorkers = Math.max(10, Math.floor(size / 500));
  const generated = timed(() =>
    simulateCrowd({
      nItems,
      judgmentsPerItem: 5,
      nWorkers,
      nClasses: 6,
      seed: 2026,
      mix: { expert: 0.2, regular: 0.6, spammer: 0.15, adversary: 0.05 },
    }),
  );
  const { judgments, truth } = generated.value;
  const n = judgments.item.length;
  console.log(
    `generated ${n.toLocaleString('en')} judgments (${nItems.toLocaleString('en')} items × 5, ${nWorkers.toLocaleString('en')} workers, 6 classes) in ${generated.seconds.toFixed(2)} s`,
  );

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curate-bench-aggregate-'));
  try {
    const answers = path.join(dir, 'answers.csv');
    const gold = path.join(dir, 'gold.csv');
    await writeCsv(
      answers,
      (function* () {
        yield ['item', 'worker', 'label'];
        for (let j = 0; j < n; j++) yield [`item${judgments.item[j]}`, `w${judgments.worker[j]}`, `c${judgments.label[j]}`];
      })(),
    );
    await writeCsv(
      gold,
      (function* () {
        yield ['item', 'truth'];
        for (let i = 0; i < nItems; i++) yield [`item${i}`, `c${truth[i]}`];
      })(),
    );
    console.log(`answers CSV ${(fs.statSync(answers).size / 1e6).toFixed(1)} MB`);

    const row = (name: string, t: Timing, baseline: Timing, extra = '') =>
      console.log(
        `  ${name.padEnd(26)} ${t.seconds.toFixed(3).padStart(8)} s ${(t.seconds / baseline.seconds).toFixed(1).padStart(8)}× plain pass` +
          `   cpu ${t.cpuSeconds.toFixed(3).padStart(7)} s ${(t.cpuSeconds / baseline.cpuSeconds).toFixed(1).padStart(8)}×   ${extra}`,
      );

    console.log('in process (fit, then the confidence every report uses):');
    const plain = timed(() => plainPass(judgments));
    row('plain pass', plain, plain);
    for (const m of chosen) {
      const fit = timed(() => offlineFit(m, judgments));
      row(m, fit, plain, `${scored(fit.value, truth)}, ${fit.value.iterations} iterations`);
    }
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    console.log(`  peak RSS ${peakRssMb.toFixed(0)} MB`);

    console.log('end to end (a fresh process: read the CSV, fit, write the labels):');
    const plainEndToEnd = await timedProcess([fileURLToPath(import.meta.url), '--plain-pass', answers]);
    row('plain pass (csv-parse)', plainEndToEnd, plainEndToEnd);
    const missed: string[] = [];
    for (const m of chosen) {
      const run = await timedProcess([
        'scripts/curate.ts',
        'aggregate',
        '--answers',
        answers,
        '--gold',
        gold,
        '--method',
        m,
        '--out',
        path.join(dir, `${m}.csv`),
        '--timings',
      ]);
      // The CLI's first two lines are accuracy and calibration error; its reliability table follows.
      row(`curate aggregate ${m}`, run, plainEndToEnd, run.stdout.trim().split('\n').slice(0, 2).join(', '));
      // Where the process's time went (--timings); the rest of the wall time is starting node and loading modules.
      console.log(`    ${/^stages: .*$/m.exec(run.stderr)?.[0] ?? 'stages: not reported'}`);
      const target = targets.endToEndSeconds[m];
      if (size === fullSize && target !== undefined && run.seconds >= target) missed.push(`${m} end to end < ${target} s`);
    }
    if (size === fullSize && peakRssMb >= targets.peakRssMb) missed.push(`peak RSS < ${targets.peakRssMb} MB`);
    if (size !== fullSize) console.log(`targets are checked at ${fullSize.toLocaleString('en')} answers only`);
    else console.log(missed.length === 0 ? 'targets met' : `targets MISSED: ${missed.join('; ')}`);
    return missed.length === 0 ? 0 : 1;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--plain-pass') await plainPassOverCsv(process.argv[3]);
else process.exitCode = await main();

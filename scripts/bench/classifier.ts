/**
 * `npm run bench:classifier [-- --train 20000] [--score 1000000]`: trains the quality classifier (default options)
 * on 20k labeled documents and scores 10^6, then has fastText's own CLI (`fasttext predict-prob`, Debian's 0.9.2)
 * score the same 10^6 documents with the exported model, in the same run, as the ratio. Documents are synthetic:
 * Zipf-distributed words from a 50k-word vocabulary, 50-650 words each (mean 350), six 0-5 classes carried by
 * one word in ten drawn from 200 words of the class; the 10^6 scored are a pool of 50k distinct documents cycled (their text generated once, so
 * the figure is the scorer's and not the generator's). Prints training time, model size, documents/s and words/s
 * scored by each, wall and CPU seconds (the ratio both ways), and the peak RSS of this process.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createScorer, trainClassifier, writeFastTextBin } from '../../server/classifier/index.ts';
import type { LabeledExample } from '../../server/classifier/index.ts';
import { seededRandom } from '../../server/classifier/random.ts';

const FASTTEXT = '/usr/bin/fasttext';
const VOCABULARY = 50_000;
const CLASS_WORDS = 200;
const POOL = 50_000;
const LABELS = ['0', '1', '2', '3', '4', '5'];

const { values } = parseArgs({ options: { train: { type: 'string', default: '20000' }, score: { type: 'string', default: '1000000' } } });
const trainCount = Number(values.train);
const scoreCount = Number(values.score);

/** Zipf(1) over the vocabulary by inverse CDF on a precomputed table. */
function zipfSampler(random: () => number): () => number {
  const cdf = new Float64Array(VOCABULARY);
  let total = 0;
  for (let k = 0; k < VOCABULARY; k++) cdf[k] = total += 1 / (k + 1);
  return () => {
    const u = random() * total;
    let lo = 0;
    let hi = VOCABULARY - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

function documents(count: number, seed: number): LabeledExample[] {
  const random = seededRandom(seed);
  const word = zipfSampler(random);
  const words = Array.from({ length: VOCABULARY }, (_, k) => `w${k.toString(36)}`);
  return Array.from({ length: count }, () => {
    const label = Math.floor(random() * LABELS.length);
    const length = 50 + Math.floor(random() * 600);
    const parts: string[] = [];
    for (let i = 0; i < length; i++) parts.push(random() < 0.1 ? `c${label}_${Math.floor(random() * CLASS_WORDS)}` : words[word()]);
    return { text: parts.join(' '), label: String(label) };
  });
}

const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;
const rate = (n: number, s: number) => Math.round(n / s).toLocaleString('en');

console.log(`generating ${trainCount.toLocaleString('en')} training and ${POOL.toLocaleString('en')} scoring documents`);
const train = documents(trainCount, 1);
const pool = documents(POOL, 2).map((d) => d.text);
const poolWords = pool.reduce((n, t) => n + t.split(' ').length, 0);
const wordsScored = (poolWords / POOL) * scoreCount;

let started = process.hrtime.bigint();
let lastTenth = -1;
const model = trainClassifier(train, LABELS, {}, (p) => {
  const tenth = Math.floor((p.done / p.total) * 10);
  if (tenth > lastTenth) process.stderr.write(`training ${tenth * 10}% (epoch ${p.epoch}, loss ${p.loss.toFixed(3)})\n`);
  lastTenth = tenth;
});
const trainSeconds = seconds(started);
const bin = writeFastTextBin(model);
console.log(
  `trained on ${trainCount.toLocaleString('en')} documents in ${trainSeconds.toFixed(1)} s ` +
    `(dim ${model.dim}, ${model.epoch} epochs, ${model.words.size.toLocaleString('en')} words; model ${(bin.length / 1e6).toFixed(1)} MB)`,
);

const score = createScorer(model);
let checksum = 0;
started = process.hrtime.bigint();
const cpu = process.cpuUsage();
for (let i = 0; i < scoreCount; i++) checksum += score(pool[i % POOL])[5];
const ourSeconds = seconds(started);
const { user, system } = process.cpuUsage(cpu);
const ourCpu = (user + system) / 1e6;
console.log(
  `ours: scored ${scoreCount.toLocaleString('en')} documents in ${ourSeconds.toFixed(1)} s: ${rate(scoreCount, ourSeconds)} documents/s, ` +
    `${rate(wordsScored, ourSeconds)} words/s; ${ourCpu.toFixed(1)} CPU s (mean p(5) ${(checksum / scoreCount).toFixed(4)})`,
);
console.log(`peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);

if (!fs.existsSync(FASTTEXT)) {
  console.log(`fastText CLI not installed (${FASTTEXT}; apt-get install fasttext): no ratio`);
} else {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-classifier-'));
  const file = path.join(dir, 'model.bin');
  fs.writeFileSync(file, bin);
  // The same documents streamed on its stdin, one per line, its output (every label's probability) discarded; bash's
  // `times` after it gives its CPU seconds, the steadier figure when other work shares the cores.
  const child = spawn('bash', ['-c', `"${FASTTEXT}" predict-prob "$0" - -1 > /dev/null; status=$?; times >&2; exit $status`, file], {
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  const lines = pool.map((t) => t + '\n');
  started = process.hrtime.bigint();
  for (let i = 0; i < scoreCount; i++) if (!child.stdin.write(lines[i % POOL])) await once(child.stdin, 'drain');
  child.stdin.end();
  const [code] = await once(child, 'exit');
  const theirSeconds = seconds(started);
  fs.rmSync(dir, { recursive: true, force: true });
  if (code !== 0) throw new Error(`fasttext predict-prob exited with ${code}: ${stderr}`);
  // The second line of `times` is the children's user and system time, as "0m1.234s 0m0.056s".
  const [, um, us, sm, ss] = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/.exec(stderr) ?? [];
  const theirCpu = Number(um) * 60 + Number(us) + Number(sm) * 60 + Number(ss);
  console.log(
    `fastText predict-prob: ${scoreCount.toLocaleString('en')} documents in ${theirSeconds.toFixed(1)} s: ${rate(scoreCount, theirSeconds)} documents/s, ` +
      `${rate(wordsScored, theirSeconds)} words/s; ${theirCpu.toFixed(1)} CPU s`,
  );
  console.log(`ratio ours / fastText, documents per CPU second: ${(theirCpu / ourCpu).toFixed(2)}`);
  console.log(`ratio ours / fastText, documents per wall second: ${(theirSeconds / ourSeconds).toFixed(2)}`);
}

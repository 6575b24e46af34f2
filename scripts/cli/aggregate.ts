/**
 * `npm run curate -- aggregate`: offline aggregation of a CSV of crowd answers, no server needed.
 */
import type { CliCommand } from './command.ts';
import { CliError } from './command.ts';
import { parseCliArgs, required } from './parse-args.ts';
import { readCsvColumns } from './csv-columns.ts';
import { writeCsvRows } from './csv-writer.ts';
import { answerEncoder, toJudgments } from '../../server/aggregation/encode.ts';
import type { EncodedAnswers } from '../../server/aggregation/encode.ts';
import { categoricalMethodKeys, categoricalMethods } from '../../server/aggregation/methods.ts';
import { chooseMethod } from '../../server/aggregation/auto-method.ts';
import { ordinalBiasModel } from '../../server/aggregation/ordinal-bias.ts';
import { reliability, type Reliability } from '../../server/aggregation/calibration-error.ts';
import { calibratedConfidence } from '../../server/aggregation/calibration.ts';
import type { CategoricalJudgments, CategoricalResult } from '../../server/aggregation/types.ts';

/**
 * The methods offline aggregation runs, by the names a project's settings use: every one that fits on the answers
 * alone, and `auto` choosing among them from the answers alone. Gold, when given, only scores them here.
 */
export const offlineMethods: Record<string, (data: CategoricalJudgments) => CategoricalResult> = {
  ...Object.fromEntries(
    categoricalMethodKeys
      .filter((key) => !categoricalMethods[key].readsGold)
      .map((key) => [key, (data: CategoricalJudgments) => categoricalMethods[key].fit(data, new Int32Array(data.nItems).fill(-1))]),
  ),
  auto: (data) => chooseMethod(data).result,
};

/** A method's labels with the confidence the server reports too, calibrated from the answers alone. */
export function offlineFit(method: string, data: CategoricalJudgments): CategoricalResult {
  return calibratedConfidence(data, offlineMethods[method](data)).result;
}

const methodList = [...Object.keys(offlineMethods), 'ordinal', 'all'].join('|');

const usage = `Usage: npm run curate -- aggregate --answers FILE.csv --method ${methodList} --out OUT.csv [--gold GOLD.csv] [--timings]

Aggregates crowd answers offline. FILE.csv has the header item,worker,label (labels are strings; ties go to
the smallest label string, as in crowd-kit). Writes item,label,confidence, or item,score,low,high for
--method ordinal (labels must then be numbers; low-high is a 90% interval, clipped to the range of the answers). The confidence is the one the server stores, calibrated from the
answers. --method auto chooses among the other methods as the server does, by how well each predicts answers
held out of its fit.
With --gold (header item,truth), scores the result on the gold items that have answers (gold is never used to
fit): prints accuracy, the calibration error (ECE: confidences in 10 equal-width bins, the item-weighted mean of
|accuracy - mean confidence| per bin) and a reliability table (per bin: items, mean confidence, accuracy); MAE
for ordinal.
--method all runs every categorical method on the same answers and prints one line each: seconds taken and,
with --gold, accuracy and ECE; --out is optional then and gets item, then <method>_label,<method>_confidence
for each method.
--timings (one method) prints on stderr the seconds each stage took: read, encode, gold, fit, calibrate, write.`;

async function readGold(file: string, encoded: EncodedAnswers): Promise<Map<number, string>> {
  const gold = new Map<number, string>();
  await readCsvColumns(file, ['item', 'truth'], (fields, start, [item, truth]) => {
    const i = encoded.items.index.get(fields[start + item]);
    if (i !== undefined) gold.set(i, fields[start + truth]);
  });
  return gold;
}

function* categoricalRows(encoded: EncodedAnswers, fits: { method?: string; result: CategoricalResult }[]): Generator<(string | number)[]> {
  yield ['item', ...fits.flatMap(({ method }) => (method ? [`${method}_label`, `${method}_confidence`] : ['label', 'confidence']))];
  for (let i = 0; i < encoded.items.names.length; i++) {
    const row: (string | number)[] = [encoded.items.names[i]];
    for (const { result } of fits) row.push(encoded.labels.names[result.label[i]], Number(result.confidence[i].toFixed(6)));
    yield row;
  }
}

function* ordinalRows(encoded: EncodedAnswers, fit: ReturnType<typeof ordinalBiasModel>): Generator<(string | number)[]> {
  yield ['item', 'score', 'low', 'high'];
  for (let i = 0; i < encoded.items.names.length; i++) {
    yield [encoded.items.names[i], ...[fit.score[i], fit.low[i], fit.high[i]].map((x) => Number(x.toFixed(6)))];
  }
}

/** A result's confidence against whether its label is right, on the gold items that have answers. */
function scoreOnGold(encoded: EncodedAnswers, result: CategoricalResult, truths: Map<number, string>): Reliability {
  const confidence = new Float64Array(truths.size);
  const correct = new Uint8Array(truths.size);
  let k = 0;
  for (const [i, truth] of truths) {
    confidence[k] = result.confidence[i];
    correct[k++] = encoded.labels.names[result.label[i]] === truth ? 1 : 0;
  }
  return reliability(confidence, correct);
}

/** Rows as text columns: the first left-aligned, the others right-aligned, each as wide as its widest cell. */
function columns(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
}

const figure = (x: number | null) => (x === null ? '-' : x.toFixed(4));

function reliabilityReport(r: Reliability): string[] {
  return [
    `accuracy ${figure(r.accuracy)} over ${r.n} gold items`,
    `calibration error (ECE, ${r.bins.length} bins) ${figure(r.ece)}`,
    ...columns([
      ['confidence', 'items', 'mean confidence', 'accuracy'],
      ...r.bins.map((b) => [
        `${b.low.toFixed(1)}-${b.high.toFixed(1)}`,
        String(b.count),
        b.count ? figure(b.meanConfidence) : '-',
        figure(b.accuracy),
      ]),
    ]),
  ];
}

/** Every categorical method on the same answers, timed, and scored on gold when there is some. */
function compareMethods(encoded: EncodedAnswers, judgments: CategoricalJudgments, truths: Map<number, string> | null) {
  const fits = Object.keys(offlineMethods).map((method) => {
    const start = performance.now();
    const result = offlineFit(method, judgments);
    return { method, result, seconds: (performance.now() - start) / 1000 };
  });
  const report = columns([
    ['method', 'seconds', ...(truths ? ['accuracy', 'ECE'] : [])],
    ...fits.map(({ method, result, seconds }) => {
      const scored = truths && scoreOnGold(encoded, result, truths);
      return [method, seconds.toFixed(3), ...(scored ? [figure(scored.accuracy), figure(scored.ece)] : [])];
    }),
  ]);
  return { fits, report };
}

/** Wall seconds per stage (reported in the order given), each lap charged to the stage named at its end. */
function stageClock(order: readonly string[]) {
  const seconds = new Map<string, number>(order.map((stage) => [stage, 0]));
  let last = performance.now();
  const add = (stage: string, s: number) => seconds.set(stage, (seconds.get(stage) ?? 0) + s);
  return {
    lap(stage: string) {
      const now = performance.now();
      add(stage, (now - last) / 1000);
      last = now;
    },
    move(from: string, to: string, s: number) {
      add(from, -s);
      add(to, s);
    },
    report: () => `stages: ${[...seconds].map(([stage, s]) => `${stage} ${s.toFixed(3)} s`).join(', ')}`,
  };
}

const command: CliCommand = {
  name: 'aggregate',
  summary: 'aggregate a CSV of crowd answers offline (MV, Dawid-Skene, MACE, GLAD, ordinal, ...)',
  usage,
  async run(argv) {
    const { values } = parseCliArgs(argv, {
      answers: { type: 'string' },
      method: { type: 'string' },
      gold: { type: 'string' },
      out: { type: 'string' },
      timings: { type: 'boolean' },
    });
    if (values.help) return (console.log(usage), 0);
    const answers = required(values.answers, '--answers');
    const { method, gold } = values;
    if (!method || !(method in offlineMethods || method === 'ordinal' || method === 'all'))
      throw new CliError(`--method must be one of ${methodList}`, 2);
    const out = method === 'all' ? values.out : required(values.out, '--out');
    const stages = stageClock(['read', 'encode', 'gold', 'fit', 'calibrate', 'write']);
    const encoder = answerEncoder();
    const read = await readCsvColumns(answers, ['item', 'worker', 'label'], (fields, start, [item, worker, label]) =>
      encoder.add(fields[start + item], fields[start + worker], fields[start + label]),
    );
    stages.lap('encode');
    const encoded = encoder.finish();
    const judgments = toJudgments(encoded);
    stages.lap('encode');
    // Reading and encoding interleave row by row; the reader times the two apart.
    stages.move('encode', 'read', read.parseSeconds);
    const truths = gold ? await readGold(gold, encoded) : null;
    stages.lap('gold');
    if (method === 'ordinal') {
      const numeric = encoded.labels.names.map(Number);
      const bad = encoded.labels.names.find((_, k) => !Number.isFinite(numeric[k]));
      if (bad !== undefined) throw new Error(`--method ordinal needs numeric labels; got "${bad}"`);
      const fit = ordinalBiasModel({ ...judgments, value: Float64Array.from(encoded.label, (l) => numeric[l]) });
      await writeCsvRows(out!, ordinalRows(encoded, fit));
      if (truths) {
        let error = 0;
        for (const [i, truth] of truths) error += Math.abs(fit.score[i] - Number(truth));
        console.log(`MAE ${(error / truths.size).toFixed(4)} over ${truths.size} gold items`);
      }
      return 0;
    }
    if (method === 'all') {
      const { fits, report } = compareMethods(encoded, judgments, truths);
      if (out) await writeCsvRows(out, categoricalRows(encoded, fits));
      for (const line of report) console.log(line);
    } else {
      const fitted = offlineMethods[method](judgments);
      stages.lap('fit');
      const { result } = calibratedConfidence(judgments, fitted);
      stages.lap('calibrate');
      await writeCsvRows(out!, categoricalRows(encoded, [{ result }]));
      stages.lap('write');
      if (truths) for (const line of reliabilityReport(scoreOnGold(encoded, result, truths))) console.log(line);
      console.error(`aggregate: ${judgments.item.length} answers, ${judgments.nItems} items, ${result.ties} ties (to the smallest label)`);
      if (values.timings) console.error(stages.report());
    }
    return 0;
  },
};

export default command;

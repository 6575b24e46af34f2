/**
 * `npm run curate -- aggregate`: offline aggregation of a CSV of crowd answers, no server needed.
 */
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import type { CliCommand } from './command.ts';
import { CliError } from './command.ts';
import { parseCliArgs, required } from './parse-args.ts';
import { csvStream } from '../../server/export/csv-format.ts';
import { answerEncoder, toJudgments } from '../../server/aggregation/encode.ts';
import type { EncodedAnswers } from '../../server/aggregation/encode.ts';
import { majorityVote, wawa } from '../../server/aggregation/majority-vote.ts';
import { dawidSkene } from '../../server/aggregation/dawid-skene.ts';
import { oneCoinDawidSkene } from '../../server/aggregation/one-coin-dawid-skene.ts';
import { mace } from '../../server/aggregation/mace.ts';
import { glad } from '../../server/aggregation/glad.ts';
import { ordinalBiasModel } from '../../server/aggregation/ordinal-bias.ts';
import type { CategoricalJudgments, CategoricalResult } from '../../server/aggregation/types.ts';

const categorical: Record<string, (data: CategoricalJudgments) => CategoricalResult> = {
  mv: majorityVote,
  wawa,
  ds: dawidSkene,
  'one-coin': oneCoinDawidSkene,
  mace,
  glad,
};
const methodList = [...Object.keys(categorical), 'ordinal'].join('|');

const usage = `Usage: npm run curate -- aggregate --answers FILE.csv --method ${methodList} --out OUT.csv [--gold GOLD.csv]

Aggregates crowd answers offline. FILE.csv has the header item,worker,label (labels are strings; ties go to
the smallest label string, as in crowd-kit). Writes item,label,confidence, or item,score,low,high for
--method ordinal (labels must then be numbers). With --gold (header item,truth) prints accuracy, or MAE
for ordinal, over gold items that have answers.`;

/**
 * Streams a CSV file (csv-parse: quoted fields may span lines, a byte-order mark is dropped, every row must have
 * the header's field count) and calls `onRow` with each data row's fields and where the named columns are among
 * them. Rows come from 'data' events, not `for await`: at 10^6 rows (a numeric item,worker,label CSV, 2 loaded
 * cores) csv-parse took 0.6-1.7 s that way and 2.2 s through the async iterator; a hand-rolled line split took
 * 0.5-0.6 s, too little gained to keep a second CSV reader.
 */
async function readCsv(file: string, columns: readonly string[], onRow: (fields: string[], at: readonly number[]) => void): Promise<void> {
  let positions: number[] | null = null;
  const parser = parse({ bom: true, skip_empty_lines: true });
  parser.on('data', (fields: string[]) => {
    if (positions) return onRow(fields, positions);
    positions = columns.map((c) => fields.indexOf(c));
    const missing = columns.filter((_, k) => positions![k] < 0);
    if (missing.length > 0) parser.destroy(new Error(`header lacks ${missing.join(', ')}`));
  });
  try {
    await pipeline(fs.createReadStream(file), parser);
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
  if (!positions) throw new Error(`${file}: empty file`);
}

/** Writes rows as CSV to a file, streaming. */
async function writeCsv(file: string, rows: Iterable<(string | number)[]>): Promise<void> {
  await pipeline(Readable.from(rows), csvStream(), fs.createWriteStream(file));
}

async function readGold(file: string, encoded: EncodedAnswers): Promise<Map<number, string>> {
  const gold = new Map<number, string>();
  await readCsv(file, ['item', 'truth'], (fields, [item, truth]) => {
    const i = encoded.items.index.get(fields[item]);
    if (i !== undefined) gold.set(i, fields[truth]);
  });
  return gold;
}

function* categoricalRows(encoded: EncodedAnswers, result: CategoricalResult): Generator<(string | number)[]> {
  yield ['item', 'label', 'confidence'];
  for (let i = 0; i < encoded.items.names.length; i++) {
    yield [encoded.items.names[i], encoded.labels.names[result.label[i]], Number(result.confidence[i].toFixed(6))];
  }
}

function* ordinalRows(encoded: EncodedAnswers, fit: ReturnType<typeof ordinalBiasModel>): Generator<(string | number)[]> {
  yield ['item', 'score', 'low', 'high'];
  for (let i = 0; i < encoded.items.names.length; i++) {
    yield [encoded.items.names[i], ...[fit.score[i], fit.low[i], fit.high[i]].map((x) => Number(x.toFixed(6)))];
  }
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
    });
    if (values.help) return (console.log(usage), 0);
    const answers = required(values.answers, '--answers');
    const out = required(values.out, '--out');
    const { method, gold } = values;
    if (!method || !(method in categorical || method === 'ordinal')) throw new CliError(`--method must be one of ${methodList}`, 2);
    const encoder = answerEncoder();
    await readCsv(answers, ['item', 'worker', 'label'], (fields, [item, worker, label]) => encoder.add(fields[item], fields[worker], fields[label]));
    const encoded = encoder.finish();
    const judgments = toJudgments(encoded);
    const truths = gold ? await readGold(gold, encoded) : null;
    if (method === 'ordinal') {
      const numeric = encoded.labels.names.map(Number);
      const bad = encoded.labels.names.find((_, k) => !Number.isFinite(numeric[k]));
      if (bad !== undefined) throw new Error(`--method ordinal needs numeric labels; got "${bad}"`);
      const fit = ordinalBiasModel({ ...judgments, value: Float64Array.from(encoded.label, (l) => numeric[l]) });
      await writeCsv(out, ordinalRows(encoded, fit));
      if (truths) {
        let error = 0;
        for (const [i, truth] of truths) error += Math.abs(fit.score[i] - Number(truth));
        console.log(`MAE ${(error / truths.size).toFixed(4)} over ${truths.size} gold items`);
      }
    } else {
      const result = categorical[method](judgments);
      await writeCsv(out, categoricalRows(encoded, result));
      if (truths) {
        let hits = 0;
        for (const [i, truth] of truths) if (encoded.labels.names[result.label[i]] === truth) hits++;
        console.log(`accuracy ${(hits / truths.size).toFixed(4)} over ${truths.size} gold items`);
      }
      console.error(`aggregate: ${judgments.item.length} answers, ${judgments.nItems} items, ${result.ties} ties (to the smallest label)`);
    }
    return 0;
  },
};

export default command;

/**
 * `npm run curate -- classifier`: the quality classifier on files, offline (labels made elsewhere, FineWeb-Edu-style
 * annotation dumps): train a fastText model, evaluate it beside the baselines, score a corpus to Parquet.
 */
import fs from 'node:fs';
import type { CliCommand } from './command.ts';
import { CliError } from './command.ts';
import { parseCliArgs, required } from './parse-args.ts';
import { progressBar } from './progress-bar.ts';
import { projectActions, projectUsage } from './classifier-project.ts';
import { readCorpus } from '../../server/import/read-corpus.ts';
import { resolveFormat } from '../../server/import/import-options.ts';
import { getPath } from '../../server/import/field-path.ts';
import { parquetStream } from '../../server/export/parquet-stream.ts';
import type { ClassifierModel, EvaluationReport, HeldOutEvaluation, LabeledExample } from '../../server/classifier/index.ts';
import {
  classScheme,
  classifierOptionsSchema,
  createScorer,
  evaluateWithBaselines,
  expectedValue,
  labelName,
  readFastTextBin,
  schemeOf,
  trainClassifier,
  trainingLine,
  writeFastTextBin,
} from '../../server/classifier/index.ts';

const usage = `Usage: npm run curate -- classifier train --input FILE --out MODEL.bin [options]
       npm run curate -- classifier evaluate --model MODEL.bin --input FILE [--json]
       npm run curate -- classifier score --model MODEL.bin --input FILE --out SCORES.parquet [--id-field id]

A fastText supervised classifier of document quality, trained, evaluated and run on files offline. FILE is
JSONL, JSON, CSV or Parquet, gzip-compressed or not (by its name: .jsonl, .jsonl.gz, ...).

  --text-field F     the document text (dotted paths reach nested fields) [text]
  --label-field F    the label: a 0-5 score (a fraction is rounded to its class), keep/drop, accept/reject,
                     true/false (keep/drop), or any class names [score]

train: writes the model as a fastText .bin (fasttext predict-prob, Python's fasttext.load_model, datatrove's
FastTextClassifierFilter and NeMo Curator's FastTextQualityFilter load it; labels are __label__<class>).
  --weight-field F   a per-document weight scaling its gradient (e.g. the label's confidence) [1]
  --training-file T  also write fastText's training file (__label__<class> text lines; weights are not in it)
  --dim N --epoch N --lr X --word-ngrams N --bucket N --min-count N --minn N --maxn N --seed N
                     fastText's training options [${describeDefaults()}]

evaluate: per-class precision/recall/F1, Spearman of the expected score with the label, MAE and precision/recall
of "keep" at each threshold, beside the majority-class and length-only baselines on the same documents.
  --json             print the report as JSON

score: writes id, score (the expected score sum p_k k), int_score (rounded) and prob_<class> per document.
  --id-field F       the document id [id; the line number where absent]`;

function describeDefaults(): string {
  const d = classifierOptionsSchema.parse({});
  return `${d.dim}, ${d.epoch}, ${d.lr}, ${d.wordNgrams}, ${d.bucket}, ${d.minCount}, ${d.minn}, ${d.maxn}, ${d.seed}`;
}

/** Every record of the file, with a progress bar over its bytes read; a record that cannot be read stops the command. */
async function* readRecords(file: string, label: string): AsyncGenerator<{ record: Record<string, unknown>; line: number }> {
  const format = resolveFormat({ filename: file });
  if (!format) throw new CliError(`cannot tell the format of ${file} from its name (.jsonl, .json, .csv, .parquet, optionally .gz)`, 2);
  const size = fs.statSync(file).size;
  const input = fs.createReadStream(file);
  const bar = progressBar(label, size);
  let count = 0;
  for await (const source of readCorpus(input, format, file, { maxRecordBytes: MAX_RECORD_BYTES })) {
    if ('error' in source) throw new Error(`${file}, line ${source.line}: ${source.error}`);
    count++;
    if (count % 1000 === 0) bar.update(input.bytesRead, `${count.toLocaleString('en')} documents`);
    yield source;
  }
  bar.update(size, `${count.toLocaleString('en')} documents`);
  bar.done();
}

const MAX_RECORD_BYTES = 64 << 20;

interface Fields {
  text: string;
  label: string;
  weight?: string;
}

/** The labeled documents of a file; records without a text or a label are counted and left out. */
async function readExamples(file: string, fields: Fields): Promise<LabeledExample[]> {
  const examples: LabeledExample[] = [];
  let skipped = 0;
  for await (const { record, line } of readRecords(file, 'reading')) {
    const text = getPath(record, fields.text);
    const label = labelName(getPath(record, fields.label));
    if (typeof text !== 'string' || label === undefined) {
      skipped++;
      continue;
    }
    const weight = fields.weight === undefined ? 1 : Number(getPath(record, fields.weight));
    if (!Number.isFinite(weight) || weight < 0) throw new Error(`${file}, line ${line}: ${fields.weight} is not a weight >= 0`);
    examples.push({ text, label, weight });
  }
  if (skipped > 0) console.error(`classifier: left out ${skipped} records without a string ${fields.text} and a ${fields.label}`);
  if (examples.length === 0) throw new Error(`${file}: no labeled documents`);
  return examples;
}

const integerFlag = (value: string | undefined, flag: string) => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new CliError(`${flag} must be an integer`, 2);
  return n;
};

async function train(argv: string[]): Promise<number> {
  const { values } = parseCliArgs(argv, {
    input: { type: 'string' },
    out: { type: 'string' },
    'text-field': { type: 'string', default: 'text' },
    'label-field': { type: 'string', default: 'score' },
    'weight-field': { type: 'string' },
    'training-file': { type: 'string' },
    dim: { type: 'string' },
    epoch: { type: 'string' },
    lr: { type: 'string' },
    'word-ngrams': { type: 'string' },
    bucket: { type: 'string' },
    'min-count': { type: 'string' },
    minn: { type: 'string' },
    maxn: { type: 'string' },
    seed: { type: 'string' },
  });
  if (values.help) return (console.log(usage), 0);
  const input = required(values.input, '--input');
  const out = required(values.out, '--out');
  const parsed = classifierOptionsSchema.safeParse({
    dim: integerFlag(values.dim, '--dim'),
    epoch: integerFlag(values.epoch, '--epoch'),
    lr: values.lr === undefined ? undefined : Number(values.lr),
    wordNgrams: integerFlag(values['word-ngrams'], '--word-ngrams'),
    bucket: integerFlag(values.bucket, '--bucket'),
    minCount: integerFlag(values['min-count'], '--min-count'),
    minn: integerFlag(values.minn, '--minn'),
    maxn: integerFlag(values.maxn, '--maxn'),
    seed: integerFlag(values.seed, '--seed'),
  });
  if (!parsed.success) throw new CliError(parsed.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join('; '), 2);
  const examples = await readExamples(input, { text: values['text-field'], label: values['label-field'], weight: values['weight-field'] });
  const scheme = classScheme(examples.map((e) => e.label));
  if (values['training-file']) fs.writeFileSync(values['training-file'], examples.map(trainingLine).join(''));
  const bar = progressBar('training', 1);
  const started = Date.now();
  const model = trainClassifier(examples, scheme.classes, parsed.data, (p) =>
    bar.update(p.done / p.total, `epoch ${p.epoch}, loss ${p.loss.toFixed(4)}`),
  );
  bar.done();
  const bin = writeFastTextBin(model);
  fs.writeFileSync(out, bin);
  const counts = scheme.classes.map((c, k) => `${c}: ${model.labelCounts[k]}`).join(', ');
  console.log(
    `trained on ${examples.length} documents (${counts}) in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
      `${model.words.size} words; wrote ${out} (${(bin.length / 1e6).toFixed(1)} MB)`,
  );
  return 0;
}

function readModel(file: string): ClassifierModel {
  try {
    return readFastTextBin(fs.readFileSync(file));
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
}

async function evaluate(argv: string[]): Promise<number> {
  const { values } = parseCliArgs(argv, {
    model: { type: 'string' },
    input: { type: 'string' },
    'text-field': { type: 'string', default: 'text' },
    'label-field': { type: 'string', default: 'score' },
    json: { type: 'boolean' },
  });
  if (values.help) return (console.log(usage), 0);
  const model = readModel(required(values.model, '--model'));
  const input = required(values.input, '--input');
  const examples = await readExamples(input, { text: values['text-field'], label: values['label-field'] });
  const scheme = schemeOf(model.labels);
  const index = new Map(scheme.classes.map((c, k) => [c, k]));
  const known = examples.filter((e) => index.has(e.label));
  if (known.length < examples.length)
    console.error(`classifier: left out ${examples.length - known.length} documents whose label the model does not have`);
  if (known.length === 0) throw new Error(`${input}: no documents with a label of the model (${model.labels.join(', ')})`);
  const score = createScorer(model);
  const total = model.labelCounts.reduce((a, b) => a + b, 0);
  const report = evaluateWithBaselines(
    known.map((e) => score(e.text)),
    { texts: known.map((e) => e.text), truth: known.map((e) => index.get(e.label)!) },
    scheme,
    { classShares: model.labelCounts.map((c) => c / total) },
  );
  console.log(values.json ? JSON.stringify(report, null, 2) : formatEvaluation(report));
  return 0;
}

const figure = (x: number | null) => (x === null ? '-' : x.toFixed(3));

/** The report as aligned columns: our model, then the baselines measured on the same documents. */
export function formatEvaluation(report: HeldOutEvaluation): string {
  const columns: [string, EvaluationReport][] = [
    ['model', report.model],
    ['length-only', report.length],
    ['majority', report.majority],
  ];
  const row = (name: string, cell: (r: EvaluationReport) => string) => name.padEnd(26) + columns.map(([, r]) => cell(r).padStart(19)).join('');
  const lines = [`${report.model.n} documents`, row('', () => '').slice(0, 26) + columns.map(([name]) => name.padStart(19)).join('')];
  lines.push(row('accuracy', (r) => figure(r.accuracy)));
  lines.push(row('macro F1', (r) => figure(r.macroF1)));
  lines.push(row('Spearman', (r) => figure(r.spearman)));
  lines.push(row('MAE (expected score)', (r) => figure(r.mae)));
  report.model.perClass.forEach((c, k) => {
    const cell = (r: EvaluationReport) => `${figure(r.perClass[k].precision)}/${figure(r.perClass[k].recall)}/${figure(r.perClass[k].f1)}`;
    lines.push(row(`class ${c.label} P/R/F1 (n=${c.support})`, cell));
  });
  report.model.keep.forEach((k, j) => {
    const cell = (r: EvaluationReport) => `${figure(r.keep[j].precision)}/${figure(r.keep[j].recall)}`;
    lines.push(row(`keep >= ${k.threshold} P/R (${(k.trueShare * 100).toFixed(0)}%)`, cell));
  });
  return lines.join('\n');
}

const ROW_GROUP = 10_000;

async function score(argv: string[]): Promise<number> {
  const { values } = parseCliArgs(argv, {
    model: { type: 'string' },
    input: { type: 'string' },
    out: { type: 'string' },
    'text-field': { type: 'string', default: 'text' },
    'id-field': { type: 'string', default: 'id' },
  });
  if (values.help) return (console.log(usage), 0);
  const model = readModel(required(values.model, '--model'));
  const input = required(values.input, '--input');
  const outFile = required(values.out, '--out');
  const scheme = schemeOf(model.labels);
  const high = Math.max(...scheme.values);
  const low = Math.min(...scheme.values);
  const probabilityColumns = model.labels.map((l) => `prob_${l}`);
  const out = fs.createWriteStream(outFile);
  const writer = parquetStream(out, [
    { name: 'id', type: 'string' },
    { name: 'score', type: 'number' },
    { name: 'int_score', type: 'integer' },
    ...probabilityColumns.map((name) => ({ name, type: 'number' as const })),
  ]);
  const scoreText = createScorer(model);
  let rows: Record<string, unknown>[] = [];
  let scored = 0;
  let skipped = 0;
  for await (const { record, line } of readRecords(input, 'scoring')) {
    const text = getPath(record, values['text-field']);
    if (typeof text !== 'string') {
      skipped++;
      continue;
    }
    const id = getPath(record, values['id-field']);
    const p = scoreText(text);
    const expected = expectedValue(p, scheme.values);
    const cells: Record<string, unknown> = { id: id === undefined || id === null ? String(line) : String(id), score: expected };
    cells.int_score = Math.round(Math.min(high, Math.max(low, expected)));
    probabilityColumns.forEach((name, k) => (cells[name] = p[k]));
    rows.push(cells);
    scored++;
    if (rows.length === ROW_GROUP) {
      await writer.writeRows(rows);
      rows = [];
    }
  }
  await writer.writeRows(rows);
  await writer.finish();
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  if (skipped > 0) console.error(`classifier: left out ${skipped} records without a string ${values['text-field']}`);
  console.log(`scored ${scored} documents into ${outFile}`);
  return 0;
}

const actions: Record<string, (argv: string[]) => Promise<number>> = { train, evaluate, score };

const command: CliCommand = {
  name: 'classifier',
  summary: 'train, evaluate and run a fastText quality classifier on files (exports a .bin fastText loads)',
  usage: `${usage}\n\n${projectUsage}`,
  async run(argv) {
    const [action, ...rest] = argv;
    if (action === undefined || action === '--help' || action === '-h') return (console.log(command.usage), action ? 0 : 2);
    // With --project the classifier is the project's, on the server (classifier-project.ts).
    const run = rest.some((a) => a === '--project' || a.startsWith('--project=')) ? projectActions[action] : actions[action];
    if (!run)
      throw new CliError(
        `unknown action "${action}" (${Object.keys(actions).join(', ')}; ${Object.keys(projectActions).join(', ')} with --project)`,
        2,
      );
    return run(rest);
  },
};

export default command;

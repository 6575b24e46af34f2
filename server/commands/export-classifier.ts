import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import type { AppContext } from '../context.ts';
import type { Project } from '../db/schema.ts';
import { labeledDocuments, scoringRun, streamCorpusScores, streamDocumentScores, type ScoreRow } from '../db/queries/classifier.ts';
import { parquetStream } from '../export/parquet-stream.ts';
import { trainingLine } from '../classifier/index.ts';
import { classSchemeSchema, expectedAtThreshold } from '../filtering/classifier-training-set.ts';
import { ThresholdTally, curvePoint } from '../filtering/threshold-report.ts';
import { tokenBudget } from '../filtering/token-budget.ts';
import { classifierLabelsOf } from '../jobs/classifier-runs.ts';
import { conflict } from '../errors.ts';

/** The run the project's stored scores come from, with its classes; 409 before anything was scored. */
export async function scoredRun(ctx: AppContext, project: Project) {
  const run = await scoringRun(ctx.store.db, project.id);
  if (!run) throw conflict('No document of this project has a classifier score yet: train a classifier and score the corpus first');
  return { run, scheme: classSchemeSchema.parse(run.classes) };
}

/** A score rounded to its class, as FineWeb-Edu's int_score is, kept within the scale. */
function intScore(score: number, values: readonly number[]): number {
  return Math.min(values[values.length - 1], Math.max(values[0], Math.round(score)));
}

async function write(out: Writable, chunk: string) {
  if (!out.write(chunk)) await once(out, 'drain');
}

/**
 * Writes every scored document of the project as Parquet: id (the corpus id), score (the expected class value),
 * int_score, and one probability column per class (`prob_<class>`), a row group per page.
 */
export async function writeScoresParquet(ctx: AppContext, props: { project: Project; out: Writable }) {
  const { scheme } = await scoredRun(ctx, props.project);
  const probabilityColumns = scheme.classes.map((c) => `prob_${c}`);
  const parquet = parquetStream(props.out, [
    { name: 'id', type: 'string' },
    { name: 'score', type: 'number' },
    { name: 'int_score', type: 'integer' },
    ...probabilityColumns.map((name) => ({ name, type: 'number' as const })),
  ]);
  await ctx.store.db.transaction(async (tx) => {
    for await (const page of streamDocumentScores(tx, props.project.id)) {
      await parquet.writeRows(
        page.map((row) => ({
          id: row.id,
          score: row.score,
          int_score: intScore(row.score, scheme.values),
          ...Object.fromEntries(probabilityColumns.map((name, k) => [name, Number(row.probabilities[k])])),
        })),
      );
    }
  });
  await parquet.finish();
}

/**
 * Writes the scores as one Dolma attribute file (`attributes/<name>/…jsonl.gz`), one row per document id, each
 * attribute a document-wide span as Dolma's taggers write them: `<name>__score`, `<name>__int_score` and one
 * `<name>__prob_<class>` per class.
 */
export async function writeScoreAttributes(ctx: AppContext, props: { project: Project; name: string; out: Writable }) {
  const { scheme } = await scoredRun(ctx, props.project);
  const gzip = createGzip();
  const piped = pipeline(gzip, props.out);
  const attributes = (row: ScoreRow & { length: number }) => {
    const span = (value: number) => [[0, row.length, value]];
    return {
      [`${props.name}__score`]: span(row.score),
      [`${props.name}__int_score`]: span(intScore(row.score, scheme.values)),
      ...Object.fromEntries(scheme.classes.map((c, k) => [`${props.name}__prob_${c}`, span(Number(row.probabilities[k]))])),
    };
  };
  await ctx.store.db.transaction(async (tx) => {
    for await (const page of streamDocumentScores(tx, props.project.id, 10_000, true))
      await write(
        gzip,
        page.map((row) => JSON.stringify({ id: row.id, attributes: attributes({ ...row, length: Number(row.length) }) }) + '\n').join(''),
      );
  });
  gzip.end();
  await piped;
}

/** Writes the project's labeled documents as fastText's training file: `__label__<class> text` per line. */
export async function writeClassifierTrainingFile(ctx: AppContext, props: { project: Project; out: Writable }) {
  const toDocument = classifierLabelsOf(props.project);
  if (!toDocument) throw conflict(`${props.project.taskType} projects have no labels a classifier learns`);
  const lines = (await labeledDocuments(ctx.store.db, props.project.id)).flatMap((row) => {
    const doc = toDocument(row);
    return doc ? [trainingLine({ text: doc.text, label: doc.reference ?? doc.label })] : [];
  });
  for (let i = 0; i < lines.length; i += 1000) await write(props.out, lines.slice(i, i + 1000).join(''));
}

/**
 * What a threshold on the classifier's score does to the whole corpus, streamed over every scored document: kept
 * share overall and per source, kept tokens, the curve over candidate thresholds, the token budget for a target
 * model size, and the precision/recall expected at the threshold from the run's held-out labels. Before anything is
 * scored, only `{ scored: false }`: the Export page asks on every visit, and an unscored corpus is no error there.
 */
export async function classifierCorpusFilter(
  ctx: AppContext,
  props: { project: Project; threshold: number; parameters: number; thresholds: number[] },
) {
  const run = await scoringRun(ctx.store.db, props.project.id);
  if (!run) return { scored: false as const };
  const tally = new ThresholdTally(props.threshold);
  const curve = props.thresholds.map((t) => new ThresholdTally(t));
  await ctx.store.db.transaction(async (tx) => {
    for await (const page of streamCorpusScores(tx, props.project.id))
      for (const row of page) {
        const item = { score: Number(row.score), tokens: row.tokens, source: row.source };
        tally.add(item);
        for (const t of curve) t.add(item);
      }
  });
  const report = tally.report();
  const heldOut = run.report.heldOut ?? [];
  return {
    scored: true as const,
    runId: run.id,
    report,
    curve: curve.map((t) => {
      const expected = expectedAtThreshold(heldOut, t.threshold);
      return { ...curvePoint(t.report()), precision: expected.precision, recall: expected.recall };
    }),
    expected: { heldOut: heldOut.length, ...expectedAtThreshold(heldOut, props.threshold) },
    budget: tokenBudget(props.parameters, report.keptTokenShare),
  };
}

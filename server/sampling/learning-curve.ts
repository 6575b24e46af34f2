import { createScorer, expectedValue, keepAt, schemeOf, spearman, trainClassifier, type ClassifierOptionsInput } from '../classifier/index.ts';
import { seededRandom } from '../classifier/random.ts';
import { pickUncertain, type UncertaintyMeasure } from './uncertainty.ts';

/** A labeled document of a simulation pool: its label stays hidden from sampling until the document is drawn. */
export interface PoolDocument {
  id: number;
  text: string;
  /** The diversity stratum uncertainty sampling spreads over (the source; a web domain). */
  stratum: string;
  /** The human class name. */
  label: string;
}

export type CurveStrategy = 'random' | UncertaintyMeasure;

export interface CurvePoint {
  labels: number;
  /** Spearman of the expected score with the held-out labels. */
  spearman: number | null;
  /** F1 of keep (label value >= keepAt) on the held-out documents. */
  keepF1: number | null;
}

export interface CurveSettings {
  /** Class names in scale order (their values are their positions unless every name is a number). */
  classes: readonly string[];
  start: number;
  step: number;
  until: number;
  seed: number;
  /** Keep = value at least this (FineWeb-Edu keeps 3 and up). */
  keepAt: number;
  options?: ClassifierOptionsInput;
}

/**
 * One learning curve, as a project's loop would run it, on documents whose labels are known in advance: a seeded
 * random `start` documents are "labeled", then each round trains the real classifier on the labels so far, measures
 * it on the held-out documents, scores what is left of the pool and "labels" the next `step` by the strategy
 * (random, or the uncertainty sampler the batch generator uses), until `until` labels. Deterministic in `seed`.
 */
export function learningCurve(
  pool: readonly PoolDocument[],
  heldOut: readonly PoolDocument[],
  strategy: CurveStrategy,
  s: CurveSettings,
): CurvePoint[] {
  const scheme = schemeOf(s.classes);
  const random = seededRandom(s.seed);
  const order = pool.map((d) => d.id);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const byId = new Map(pool.map((d) => [d.id, d]));
  const labeled = new Set(order.slice(0, s.start));
  const held = heldOut.map((d) => scheme.values[scheme.classes.indexOf(d.label)]);
  const points: CurvePoint[] = [];
  for (;;) {
    const training = [...labeled].map((id) => ({ text: byId.get(id)!.text, label: byId.get(id)!.label }));
    const model = trainClassifier(training, scheme.classes, { ...s.options, seed: s.seed });
    const score = createScorer(model);
    const predicted = heldOut.map((d) => expectedValue(score(d.text), scheme.values));
    const keep = keepAt(predicted, held, s.keepAt, s.keepAt - 0.5);
    const f1 =
      keep.precision !== null && keep.recall !== null && keep.precision + keep.recall > 0
        ? (2 * keep.precision * keep.recall) / (keep.precision + keep.recall)
        : null;
    points.push({ labels: labeled.size, spearman: spearman(predicted, held), keepF1: f1 });
    if (labeled.size >= Math.min(s.until, pool.length)) return points;
    const want = Math.min(s.step, s.until - labeled.size);
    const unlabeled = order.filter((id) => !labeled.has(id));
    const next =
      strategy === 'random'
        ? unlabeled.slice(0, want)
        : pickUncertain(
            unlabeled.map((id) => ({ id, stratum: byId.get(id)!.stratum, probabilities: score(byId.get(id)!.text) })),
            want,
            strategy,
          );
    for (const id of next) labeled.add(id);
  }
}

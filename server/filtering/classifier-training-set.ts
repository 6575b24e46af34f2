import { z } from 'zod';
import {
  classScheme,
  classifierOptionsSchema,
  createScorer,
  evaluateWithBaselines,
  expectedValue,
  keepAt,
  trainClassifier,
  type ClassScheme,
  type ClassifierModel,
  type HeldOutEvaluation,
  type KeepMetrics,
  type LabeledExample,
  type TrainProgress,
} from '../classifier/index.ts';
import { seededRandom } from '../classifier/random.ts';

/** One labeled document of a project as training sees it. */
export interface LabeledDocument {
  text: string;
  /** The aggregated label as a class name (a 0-5 score rounded, keep/drop, accept/reject, ...). */
  label: string;
  /** The aggregated label's confidence, 0..1; it weighs the example's gradient. */
  confidence: number;
  /** The gold or adjudicated answer as a class name, where a human settled one. */
  reference: string | null;
}

/** How a project's classifier is trained: the engine's options plus the share held out for evaluation. */
export const classifierTrainingSchema = classifierOptionsSchema.extend({
  /** Share of the labeled documents held out; gold and adjudicated ones are held out first. */
  heldOutShare: z.number().min(0.05).max(0.5).default(0.2),
});
export type ClassifierTraining = z.infer<typeof classifierTrainingSchema>;

/** A class scheme as runs store it. */
export const classSchemeSchema = z.object({ classes: z.array(z.string()), values: z.array(z.number()) });

/** A held-out document with the label it is judged against. */
export interface HeldOutDocument {
  text: string;
  label: string;
  /** Whether the label is a gold or adjudicated answer rather than the aggregate. */
  reference: boolean;
}

export interface TrainingSet {
  scheme: ClassScheme;
  train: LabeledExample[];
  heldOut: HeldOutDocument[];
}

/**
 * Splits a project's labeled documents: `heldOutShare` of them are held out for evaluation, the documents a human
 * settled (gold, adjudicated) first, in a seeded order, then a seeded sample of the rest; everything else trains,
 * weighted by its confidence. The same documents and seed give the same split.
 */
export function splitTrainingSet(documents: readonly LabeledDocument[], training: Pick<ClassifierTraining, 'heldOutShare' | 'seed'>): TrainingSet {
  const scheme = classScheme(documents.flatMap((d) => (d.reference === null ? [d.label] : [d.label, d.reference])));
  const random = seededRandom(training.seed);
  const settled = shuffled(
    documents.filter((d) => d.reference !== null),
    random,
  );
  const rest = shuffled(
    documents.filter((d) => d.reference === null),
    random,
  );
  const target = Math.round(documents.length * training.heldOutShare);
  const heldSettled = settled.slice(0, target);
  const heldRest = rest.slice(0, Math.max(0, target - heldSettled.length));
  const heldOut = [
    ...heldSettled.map((d) => ({ text: d.text, label: d.reference!, reference: true })),
    ...heldRest.map((d) => ({ text: d.text, label: d.label, reference: false })),
  ];
  const train = [...settled.slice(heldSettled.length), ...rest.slice(heldRest.length)].map((d) => ({
    text: d.text,
    label: d.label,
    weight: Math.min(1, Math.max(0, d.confidence)),
  }));
  return { scheme, train, heldOut };
}

function shuffled<T>(values: readonly T[], random: () => number): T[] {
  const out = [...values];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** The held-out evaluation of a run: the classifier (`model`) and, measured on the same documents, the two baselines. */
export interface ClassifierReport extends HeldOutEvaluation {
  /** Each held-out document's predicted score and human value, for precision/recall at any threshold. */
  heldOut: { score: number; value: number }[];
}

/**
 * Trains on the set and evaluates on its held-out documents beside the majority-class and length-only baselines,
 * both fitted on the same training examples.
 */
export function trainAndEvaluate(
  set: TrainingSet,
  training: ClassifierTraining,
  onProgress?: (progress: TrainProgress) => void,
): { model: ClassifierModel; report: ClassifierReport } {
  const { heldOutShare: _heldOutShare, ...options } = training;
  const { scheme } = set;
  const classIndex = (label: string) => scheme.classes.indexOf(label);
  const model = trainClassifier(set.train, scheme.classes, options, onProgress);
  const truth = Int32Array.from(set.heldOut, (d) => classIndex(d.label));
  const score = createScorer(model);
  const predicted = set.heldOut.map((d) => score(d.text));
  const evaluation = evaluateWithBaselines(predicted, { texts: set.heldOut.map((d) => d.text), truth }, scheme, {
    texts: set.train.map((e) => e.text),
    truth: Int32Array.from(set.train, (e) => classIndex(e.label)),
  });
  return {
    model,
    report: {
      ...evaluation,
      heldOut: predicted.map((p, i) => ({ score: expectedValue(p, scheme.values), value: scheme.values[truth[i]] })),
    },
  };
}

/** Precision and recall expected when keeping scores at or above `threshold`, read from the held-out documents. */
export function expectedAtThreshold(heldOut: ClassifierReport['heldOut'], threshold: number): KeepMetrics {
  return keepAt(
    heldOut.map((h) => h.score),
    heldOut.map((h) => h.value),
    threshold,
    threshold,
  );
}

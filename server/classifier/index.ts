/** The quality classifier engine: pure training, scoring, evaluation and fastText import/export. */
export type { ClassifierModel, ClassifierOptions, ClassifierOptionsInput } from './model.ts';
export { classifierOptionsSchema, createScorer, expectedValue, predict } from './model.ts';
export type { LabeledExample, TrainProgress } from './train.ts';
export { trainClassifier } from './train.ts';
export type { ClassScheme } from './labels.ts';
export { classScheme, labelName, schemeOf } from './labels.ts';
export type { ClassMetrics, EvaluationReport, HeldOutEvaluation, KeepMetrics } from './evaluate.ts';
export { evaluatePredictions, evaluateWithBaselines, keepAt, spearman } from './evaluate.ts';
export { readFastTextBin, writeFastTextBin } from './fasttext-bin.ts';
export { trainingLine } from './training-file.ts';

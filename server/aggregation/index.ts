/**
 * The aggregation engine: pure functions over typed arrays (no I/O), for the server, the offline CLI and
 * the benchmark alike.
 */
export type * from './types.ts';
export { majorityVote, weightedVote, goldWeightedVote, wawa } from './majority-vote.ts';
export type { WeightedVoteResult } from './majority-vote.ts';
export { dawidSkene } from './dawid-skene.ts';
export type { DawidSkeneOptions, DawidSkeneResult } from './dawid-skene.ts';
export { oneCoinDawidSkene } from './one-coin-dawid-skene.ts';
export type { OneCoinOptions, OneCoinResult } from './one-coin-dawid-skene.ts';
export { mace } from './mace.ts';
export type { MaceOptions, MaceResult } from './mace.ts';
export { glad } from './glad.ts';
export type { GladResult } from './glad.ts';
export { ibcc } from './ibcc.ts';
export type { IbccOptions, IbccResult } from './ibcc.ts';
export { ebcc } from './ebcc.ts';
export type { EbccOptions, EbccResult } from './ebcc.ts';
export { ordinalBiasModel } from './ordinal-bias.ts';
export type { OrdinalOptions, OrdinalResult } from './ordinal-bias.ts';
export { bradleyTerry, winProbability } from './bradley-terry.ts';
export type { BradleyTerryOptions, BradleyTerryResult } from './bradley-terry.ts';
export { levenshtein } from './edit-distance.ts';
export { summarizeEditReviews } from './edit-review.ts';
export type { EditReview, EditReviewSummary } from './edit-review.ts';
export { krippendorffAlpha } from './krippendorff-alpha.ts';
export type { AlphaMetric, AlphaResult, ReliabilityData } from './krippendorff-alpha.ts';
export { fleissKappa, percentAgreement } from './fleiss-kappa.ts';
export type { FleissResult, LabeledItems } from './fleiss-kappa.ts';
export { pairwiseCohenKappa, cohenKappaFromTable } from './cohen-kappa.ts';
export type { PairKappa } from './cohen-kappa.ts';
export { annotatorReliability } from './annotator-reliability.ts';
export type { ReliabilityFlag, ReliabilityInputs, ReliabilityThresholds, WorkerReliability } from './annotator-reliability.ts';
export { reliability } from './calibration-error.ts';
export type { Reliability, ReliabilityBin } from './calibration-error.ts';
export { calibratedConfidence, calibrateOnGold, applyConfidenceMap, MIN_GOLD_FOR_CALIBRATION } from './calibration.ts';
export type { CalibratedResult, ConfidenceMap } from './calibration.ts';
export { calibrateFromAnswers } from './answer-calibration.ts';
export type { AnswerCalibration, AnswerCalibrationOptions } from './answer-calibration.ts';
export { routeLowConfidence } from './confidence-routing.ts';
export type { RoutingOptions, RoutingPlan } from './confidence-routing.ts';
export { buildCodebook, encodeIds, encodeAnswers, toJudgments } from './encode.ts';
export type { Codebook, EncodedAnswers } from './encode.ts';
export { seededRandom } from './random.ts';
export { simulateCrowd } from './synthetic-crowd.ts';
export type { CrowdSimulation, SimulatedCrowd, WorkerKind } from './synthetic-crowd.ts';

/**
 * The categorical methods by the key a project's settings, the CLI and the benchmark name them with: one list, so a
 * method added here is selectable everywhere and a candidate of `auto` at once.
 */
import type { CategoricalJudgments, CategoricalResult } from './types.ts';
import { goldWeightedVote, majorityVote, wawa } from './majority-vote.ts';
import { dawidSkene } from './dawid-skene.ts';
import { oneCoinDawidSkene } from './one-coin-dawid-skene.ts';
import { mace } from './mace.ts';
import { glad } from './glad.ts';
import { ibcc } from './ibcc.ts';
import { ebcc } from './ebcc.ts';

export interface CategoricalMethod {
  /** The name stored with each item's result and shown on the quality page. */
  name: string;
  /** `gold[i]` is item i's known class or -1; only methods that read gold look at it. */
  fit: (data: CategoricalJudgments, gold: Int32Array) => CategoricalResult;
  /** Whether the fit reads gold; such a method's accuracy on that gold says nothing, so `auto` never weighs it there. */
  readsGold: boolean;
  /** Whether `auto` weighs it (see auto-method.ts for why one is left out). */
  autoCandidate: boolean;
}

const unsupervised = (name: string, fit: (data: CategoricalJudgments) => CategoricalResult, autoCandidate = true): CategoricalMethod => ({
  name,
  fit: (data) => fit(data),
  readsGold: false,
  autoCandidate,
});

export const categoricalMethods = {
  mv: unsupervised('majority-vote', majorityVote),
  'gold-weighted': { name: 'gold-weighted-vote', fit: goldWeightedVote, readsGold: true, autoCandidate: false },
  wawa: unsupervised('wawa', wawa),
  ds: unsupervised('dawid-skene', dawidSkene),
  'one-coin': unsupervised('one-coin-dawid-skene', oneCoinDawidSkene),
  mace: unsupervised('mace', mace),
  glad: unsupervised('glad', glad),
  ibcc: unsupervised('ibcc', ibcc),
  // Five restarts of ten subtypes per class cost about a hundred Dawid-Skene fits (measured on zheng_d_product), too
  // much to fit once per fold; it stays a method a project can choose by name.
  ebcc: unsupervised('ebcc', ebcc, false),
} satisfies Record<string, CategoricalMethod>;

export type CategoricalMethodKey = keyof typeof categoricalMethods;

export const categoricalMethodKeys = Object.keys(categoricalMethods) as [CategoricalMethodKey, ...CategoricalMethodKey[]];

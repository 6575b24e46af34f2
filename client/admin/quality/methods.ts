import type { AggregationSettings } from '../../lib/types.ts';

/** The categorical methods a project may aggregate with, in the words the quality page uses for them. */
export const METHODS: Record<AggregationSettings['method'], string> = {
  auto: 'Automatic (the method that best predicts held-out answers, or best on gold items when there are 30)',
  mv: 'Majority vote',
  'gold-weighted': 'Vote weighted by gold accuracy',
  wawa: 'Worker agreement with aggregate (WAWA)',
  ds: 'Dawid-Skene',
  'one-coin': 'One-coin Dawid-Skene',
  mace: 'MACE (spots spammers)',
  glad: 'GLAD (item difficulty and annotator skill)',
  ibcc: 'IBCC (Bayesian Dawid-Skene)',
  ebcc: 'EBCC (annotators who err together)',
};

const names = new Map<string, string>(Object.entries(METHODS));

/** A method's name as shown, or the stored name for one the page does not know. */
export function methodName(method: string): string {
  return names.get(method) ?? method;
}

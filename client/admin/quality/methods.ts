import type { AggregationSettings } from '../../lib/types.ts';

/** The categorical methods a project may aggregate with: a short name, and what sets it apart where that helps. */
export const METHODS: Record<AggregationSettings['method'], { name: string; note?: string }> = {
  auto: { name: 'Automatic', note: 'the method that best predicts held-out answers, or best on gold items when there are 30' },
  mv: { name: 'Majority vote' },
  'gold-weighted': { name: 'Vote weighted by gold accuracy' },
  wawa: { name: 'WAWA', note: 'worker agreement with aggregate' },
  ds: { name: 'Dawid-Skene' },
  'one-coin': { name: 'One-coin Dawid-Skene' },
  mace: { name: 'MACE', note: 'spots spammers' },
  glad: { name: 'GLAD', note: 'item difficulty and annotator skill' },
  ibcc: { name: 'IBCC', note: 'Bayesian Dawid-Skene' },
  ebcc: { name: 'EBCC', note: 'annotators who err together' },
};

const known = new Map<string, { name: string; note?: string }>(Object.entries(METHODS));

/** A method's short name, or the stored name for one the page does not know. */
export function methodName(method: string): string {
  return known.get(method)?.name ?? method;
}

/** A method's name with what sets it apart, as the settings form offers it. */
export function methodLabel(method: string): string {
  const m = known.get(method);
  return m?.note ? `${m.name} (${m.note})` : methodName(method);
}

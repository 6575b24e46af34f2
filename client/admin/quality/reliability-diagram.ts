import type { QualityReport } from '../../lib/types.ts';

/** One method's reliability as the quality report gives it. */
export type MethodReliability = NonNullable<QualityReport['quality']['reliability']>['methods'][number];

/** A bin of the diagram in plot units (0-1 on both axes, y upwards): a bar up to its accuracy, a dot at its mean confidence. */
export interface DiagramBin {
  low: number;
  high: number;
  accuracy: number;
  meanConfidence: number;
  count: number;
  title: string;
}

const percent = (x: number) => `${(100 * x).toFixed(0)}%`;

/** The bins that hold items, each with the words its tooltip and the chart's description use. */
export function diagramBins(m: MethodReliability): DiagramBin[] {
  return m.bins.flatMap((b) =>
    b.accuracy === null || b.count === 0
      ? []
      : [
          {
            low: b.low,
            high: b.high,
            accuracy: b.accuracy,
            meanConfidence: b.meanConfidence,
            count: b.count,
            title: `confidence ${b.low.toFixed(1)}–${b.high.toFixed(1)}: ${b.count} gold items, mean confidence ${percent(b.meanConfidence)}, right ${percent(b.accuracy)}`,
          },
        ],
  );
}

/**
 * What the calibration error means for the review threshold: how far, on average over the gold items, the
 * confidence shown is from the share of answers that were right.
 */
export function calibrationVerdict(ece: number): string {
  if (ece <= 0.05) return 'well calibrated: a confidence of 80% means about 80% right';
  if (ece <= 0.12) return 'roughly calibrated: read thresholds as a few points either way';
  return 'poorly calibrated: the confidence is not the share of right answers, so a threshold on it means little';
}

/** The method the diagram opens on: the one the project aggregates with, else the first. */
export function initialMethod(methods: readonly MethodReliability[], inUse: string): string | undefined {
  return (methods.find((m) => m.method === inUse) ?? methods[0])?.method;
}

/** What a method's row says beside its name: whether the project uses it, and whether it was scored cross-fitted. */
export function rowNote(m: MethodReliability, inUse: string): string {
  return [m.method === inUse && 'in use', m.crossFitted && 'cross-fitted: fitted on half the gold items, scored on the other half']
    .filter((note) => note !== false)
    .join(' · ');
}

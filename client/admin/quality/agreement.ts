import type { QualityReport } from '../../lib/types.ts';

type Figures = NonNullable<QualityReport['quality']['agreement']>;
export type FigureKey = keyof QualityReport['agreementNotes'];

/** Krippendorff's own thresholds: data below 0.667 should not be relied on. */
function alphaVerdict(value: number): string {
  if (value >= 0.8) return 'Reliable: good enough to draw conclusions from.';
  if (value >= 0.667) return 'Tentative: usable for tentative conclusions only.';
  return 'Unreliable: annotators do not agree enough to trust the labels.';
}

/** Landis and Koch's bands for kappa. */
function kappaVerdict(value: number): string {
  if (value < 0) return 'Worse than chance: annotators systematically disagree.';
  if (value < 0.2) return 'Slight agreement beyond chance.';
  if (value < 0.4) return 'Fair agreement beyond chance.';
  if (value < 0.6) return 'Moderate agreement beyond chance.';
  if (value < 0.8) return 'Substantial agreement beyond chance.';
  return 'Almost perfect agreement beyond chance.';
}

const FIGURES: { key: FigureKey; name: string; percent?: boolean; verdict: (value: number) => string }[] = [
  { key: 'alphaNominal', name: "Krippendorff's α (nominal)", verdict: alphaVerdict },
  { key: 'alphaOrdinal', name: "Krippendorff's α (ordinal)", verdict: alphaVerdict },
  { key: 'alphaInterval', name: "Krippendorff's α (interval)", verdict: alphaVerdict },
  { key: 'fleissKappa', name: "Fleiss' κ", verdict: kappaVerdict },
  { key: 'meanCohenKappa', name: "Mean pairwise Cohen's κ", verdict: kappaVerdict },
  {
    key: 'percentAgreement',
    name: 'Percent agreement',
    percent: true,
    verdict: (value) => `${Math.round(100 * value)}% of annotator pairs gave the same answer, with no allowance for chance.`,
  },
];

/** One agreement figure ready to show: its value, what that value means, and what the figure measures. */
export interface AgreementRow {
  key: FigureKey;
  name: string;
  value: string;
  verdict: string;
  note: string;
}

/**
 * The figures the last run computed. Figures that do not apply to the task type (ordinal alphas of a categorical
 * task) are left out; figures that apply but had too little overlap say so.
 */
export function agreementRows(report: QualityReport): AgreementRow[] {
  const figures: Figures | undefined = report.quality.agreement;
  if (!figures) return [];
  const ordinal = figures.alphaOrdinal !== null || figures.alphaInterval !== null;
  return FIGURES.filter((f) => ordinal || (f.key !== 'alphaOrdinal' && f.key !== 'alphaInterval')).map((f) => {
    const value = figures[f.key];
    return {
      key: f.key,
      name: f.name,
      value: value === null ? '—' : f.percent ? `${(100 * value).toFixed(1)}%` : value.toFixed(3),
      verdict: value === null ? 'Not computed: too few items were judged by two or more annotators.' : f.verdict(value),
      note: report.agreementNotes[f.key],
    };
  });
}

/** One row of the agreement breakdown: a batch or a rated aspect, with its headline figures. */
export interface BreakdownRow {
  key: string;
  name: string;
  judgments: number;
  items: number;
  /** The alpha that fits the data: ordinal for scales, nominal otherwise; null when too few items overlap. */
  alpha: number | null;
  verdict: string;
  fleissKappa: string;
  percentAgreement: string;
}

type Breakdown = { name: string; key: string; agreement: Figures };

/** Batches and aspects as rows; the short verdict is Krippendorff's band, the long one sits on the overall figure. */
export function breakdownRows(entries: Breakdown[]): BreakdownRow[] {
  return entries.map(({ key, name, agreement }) => {
    const alpha = agreement.alphaOrdinal ?? agreement.alphaNominal;
    return {
      key,
      name,
      judgments: agreement.judgments,
      items: agreement.items,
      alpha,
      verdict: alpha === null ? 'Too little overlap' : alphaVerdict(alpha).split(':')[0],
      fleissKappa: agreement.fleissKappa === null ? '—' : agreement.fleissKappa.toFixed(3),
      percentAgreement: agreement.percentAgreement === null ? '—' : `${(100 * agreement.percentAgreement).toFixed(1)}%`,
    };
  });
}

/** The report's per-batch and per-aspect figures as breakdown input. */
export function breakdowns(report: QualityReport): { batches: Breakdown[]; aspects: Breakdown[] } {
  return {
    batches: (report.quality.agreementByBatch ?? []).map((b) => ({ key: `batch-${b.batchId}`, name: b.name, agreement: b.agreement })),
    aspects: (report.quality.agreementByAspect ?? []).map((a) => ({ key: `aspect-${a.key}`, name: a.label, agreement: a.agreement })),
  };
}

import type { judgeReport } from '../commands/judge-report.ts';
import type { CalibrationFigures } from '../judges/report/calibration-report.ts';

type Report = Awaited<ReturnType<typeof judgeReport>>;

/** What each figure means, shown beside the report. */
const NOTES = {
  cohenKappa: "Cohen's kappa of the judge against the human consensus: agreement beyond chance (1 perfect, 0 chance).",
  weightedKappa: 'Quadratic-weighted kappa: near misses on the scale cost less than far ones (ordered scales).',
  alphaNominal: "Krippendorff's alpha with the judge and the consensus as two coders, answers as categories.",
  alphaOrdinal: "Krippendorff's alpha respecting the scale's order.",
  alphaInterval: "Krippendorff's alpha on the scale's values.",
  spearman: "Spearman's rank correlation of the judge's values with the consensus.",
  offset: 'Mean of judge minus human consensus, with a 95% interval: above 0 the judge scores higher.',
  positionBias:
    'Pairwise: share of answers picking the response shown first (0.5 none), the share of A in and out of order, and how often the two orders disagreed.',
  confusion: 'Rows: human consensus; columns: judge answer; counts of shared documents.',
  budget:
    'The routing budget evaluated on the documents humans labelled: routed as if unlabelled, with the judges’ result kept elsewhere, against the human labels (an all-human result agrees by definition).',
} as const;

/** Figures as JSON: none is NaN (the pure functions give null for what cannot be computed). */
function figures(f: CalibrationFigures) {
  return {
    judged: f.judged,
    shared: f.shared,
    humanJudgments: f.humanJudgments,
    accuracy: f.accuracy,
    cohenKappa: f.cohenKappa,
    weightedKappa: f.weightedKappa,
    alphaNominal: f.alphaNominal,
    alphaOrdinal: f.alphaOrdinal,
    alphaInterval: f.alphaInterval,
    spearman: f.spearman,
    offset: f.offset,
    positionBias: f.positionBias,
    confusion: f.confusion,
  };
}

/** The judges' calibration report: per judge (name, model) overall and by source, plus the budget's evaluation. */
export function presentJudgeReport({ report, judges, budget }: Report) {
  const byKey = new Map(judges.map((j) => [j.key, j]));
  return {
    kind: report.kind,
    classes: report.classes,
    humanDocuments: report.humanDocuments,
    judges: report.judges.map((j) => {
      const judge = byKey.get(j.judgeKey)!;
      return {
        judgeId: judge.id,
        name: judge.name,
        model: judge.model,
        archived: judge.archived,
        ...figures(j),
        bySource: j.bySource.map((s) => ({ source: s.source, ...figures(s) })),
      };
    }),
    budget,
    notes: NOTES,
  };
}

/**
 * On real pages: trained on 80% of fineweb_legal (0-5 legal-value scores), the classifier beats both baselines on
 * the held-out 20% in the same report. The figures it prints are the README's.
 */
import { describe, expect, it } from 'vitest';
import { createScorer, evaluateWithBaselines, schemeOf, trainClassifier } from '../../../server/classifier/index.ts';
import { finewebLegalSplit, haveQualityData, reportMissingQualityData } from './quality-data.ts';

reportMissingQualityData();

describe.runIf(haveQualityData)('fineweb_legal held out by page', () => {
  it('ranks and classifies the held-out pages better than the majority class and the length-only model', () => {
    const { train, heldOut } = finewebLegalSplit();
    const scheme = schemeOf(['0', '1', '2', '3', '4', '5']);
    const model = trainClassifier(
      train.map((p) => ({ text: p.text, label: String(p.score) })),
      scheme.classes,
    );
    const score = createScorer(model);
    const report = evaluateWithBaselines(
      heldOut.map((p) => score(p.text)),
      { texts: heldOut.map((p) => p.text), truth: heldOut.map((p) => p.score) },
      scheme,
      { texts: train.map((p) => p.text), truth: train.map((p) => p.score) },
    );
    const line = (name: string, r: typeof report.model) =>
      `${name}: accuracy ${r.accuracy.toFixed(3)}, macro F1 ${r.macroF1.toFixed(3)}, Spearman ${r.spearman?.toFixed(3) ?? '-'}, MAE ${r.mae.toFixed(3)}, keep>=3 P/R ${r.keep[2].precision?.toFixed(3) ?? '-'}/${r.keep[2].recall?.toFixed(3)}`;
    console.log(
      [
        `fineweb_legal: ${train.length} train, ${heldOut.length} held out`,
        line('model', report.model),
        line('length', report.length),
        line('majority', report.majority),
      ].join('\n'),
    );
    for (const baseline of [report.length, report.majority]) {
      expect(report.model.accuracy).toBeGreaterThan(baseline.accuracy + 0.1);
      expect(report.model.macroF1).toBeGreaterThan(baseline.macroF1 + 0.1);
      expect(report.model.mae).toBeLessThan(baseline.mae - 0.3);
    }
    expect(report.model.spearman!).toBeGreaterThan(report.length.spearman! + 0.3);
    expect(report.majority.spearman).toBeNull();
  });
});

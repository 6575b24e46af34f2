import { describe, expect, it } from 'vitest';
import { krippendorffAlpha } from '../../../server/aggregation/krippendorff-alpha.ts';
import { fleissKappa, percentAgreement } from '../../../server/aggregation/fleiss-kappa.ts';
import { cohenKappaFromTable, pairwiseCohenKappa } from '../../../server/aggregation/cohen-kappa.ts';

// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", reliability data: 4 coders × 12 units.
const coders = ['1 2 3 3 2 1 4 1 2 . . .', '1 2 3 3 2 2 4 1 2 5 . 3', '. 3 3 3 2 3 4 2 2 5 1 .', '1 2 3 3 2 4 4 1 2 5 1 .'];

function reliabilityData(rows: string[]) {
  const unit: number[] = [];
  const value: number[] = [];
  for (const row of rows) {
    row.split(' ').forEach((v, u) => {
      if (v === '.') return;
      unit.push(u);
      value.push(Number(v));
    });
  }
  return { nUnits: rows[0].split(' ').length, unit: Int32Array.from(unit), value: Float64Array.from(value) };
}

// Fleiss (1971) worked example as in Wikipedia's "Fleiss' kappa": 10 subjects, 14 raters, 5 categories.
const fleissTable = [
  [0, 0, 0, 0, 14],
  [0, 2, 6, 4, 2],
  [0, 0, 3, 5, 6],
  [0, 3, 9, 2, 0],
  [2, 2, 8, 1, 1],
  [7, 7, 0, 0, 0],
  [3, 2, 6, 3, 0],
  [2, 5, 3, 2, 2],
  [6, 5, 2, 1, 0],
  [0, 2, 2, 3, 7],
];

function tableToJudgments(table: number[][]) {
  const item: number[] = [];
  const label: number[] = [];
  table.forEach((row, i) =>
    row.forEach((count, k) => {
      for (let c = 0; c < count; c++) {
        item.push(i);
        label.push(k);
      }
    }),
  );
  return { nItems: table.length, nClasses: table[0].length, item: Int32Array.from(item), label: Int32Array.from(label) };
}

describe('krippendorffAlpha', () => {
  const data = reliabilityData(coders);

  it('reproduces the published nominal, ordinal and interval alphas', () => {
    expect(krippendorffAlpha(data, 'nominal').alpha).toBeCloseTo(0.743, 3);
    expect(krippendorffAlpha(data, 'ordinal').alpha).toBeCloseTo(0.815, 3);
    expect(krippendorffAlpha(data, 'interval').alpha).toBeCloseTo(0.849, 3);
  });

  it('counts only pairable values (units with a single value drop out)', () => {
    expect(krippendorffAlpha(data, 'nominal').pairable).toBe(40);
  });

  it('is 1 for perfect agreement and works on a subset of units', () => {
    // Units 3-5 are coded 3, 3, 2 by everyone; units 3-4 alone are all 3s, leaving nothing to disagree about.
    const subset = reliabilityData(coders.map((row) => row.split(' ').slice(2, 5).join(' ')));
    expect(krippendorffAlpha(subset, 'interval').alpha).toBe(1);
    const constant = reliabilityData(coders.map((row) => row.split(' ').slice(2, 4).join(' ')));
    expect(krippendorffAlpha(constant, 'nominal').alpha).toBeNaN();
    const agreeing = { nUnits: 2, unit: Int32Array.of(0, 0, 1, 1), value: Float64Array.of(1, 1, 4, 4) };
    expect(krippendorffAlpha(agreeing, 'nominal').alpha).toBe(1);
  });
});

describe('fleissKappa', () => {
  it('reproduces the worked example (0.210)', () => {
    const result = fleissKappa(tableToJudgments(fleissTable));
    expect(result.kappa).toBeCloseTo(0.21, 3);
    expect(result.observed).toBeCloseTo(0.378, 3);
    expect(result.expected).toBeCloseTo(0.213, 3);
  });

  it('gives percent agreement as the mean share of agreeing pairs', () => {
    const data = tableToJudgments([
      [2, 0],
      [1, 1],
    ]);
    expect(percentAgreement(data)).toBeCloseTo(0.5, 12);
  });
});

describe('Cohen kappa', () => {
  it('matches the textbook 2×2 example', () => {
    // 50 items: both yes 20, A yes/B no 5, A no/B yes 10, both no 15 → po 0.7, pe 0.5, kappa 0.4.
    expect(cohenKappaFromTable(Float64Array.of(20, 5, 10, 15), 2)).toBeCloseTo(0.4, 12);
  });

  it('builds a table per worker pair over shared items only', () => {
    const data = {
      nItems: 4,
      nWorkers: 3,
      nClasses: 2,
      item: Int32Array.of(0, 0, 1, 1, 2, 2, 3, 3),
      worker: Int32Array.of(0, 1, 0, 1, 0, 1, 0, 2),
      label: Int32Array.of(0, 0, 1, 1, 0, 1, 1, 0),
    };
    const { pairs } = pairwiseCohenKappa(data);
    expect(pairs.map((p) => [p.workerA, p.workerB, p.sharedItems])).toEqual([
      [0, 1, 3],
      [0, 2, 1],
    ]);
    // Workers 0,1 agree on 2 of 3: po 2/3, marginals A (2/3, 1/3), B (1/3, 2/3) → pe 4/9, kappa 0.4.
    expect(pairs[0].kappa).toBeCloseTo(0.4, 12);
  });
});

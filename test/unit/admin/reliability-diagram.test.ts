import { describe, expect, it } from 'vitest';
import { reliability } from '../../../server/aggregation/index.ts';
import { calibrationVerdict, diagramBins, initialMethod, rowNote } from '../../../client/admin/quality/reliability-diagram.ts';

const measured = { method: 'ds', crossFitted: false, ...reliability([0.95, 0.92, 0.55, 0.58, 0.51], [1, 0, 1, 0, 0]) };

describe('reliability diagram', () => {
  it('draws the bins that hold gold items, with what each says in words', () => {
    const bins = diagramBins(measured);
    expect(bins.map((b) => [b.low, b.count, b.accuracy])).toEqual([
      [0.5, 3, 1 / 3],
      [0.9, 2, 0.5],
    ]);
    expect(bins[1].title).toBe('confidence 0.9–1.0: 2 gold items, mean confidence 94%, right 50%');
  });

  it('says what the calibration error means for a threshold', () => {
    expect(calibrationVerdict(0.03)).toMatch(/^well calibrated/);
    expect(calibrationVerdict(0.08)).toMatch(/^roughly/);
    expect(calibrationVerdict(measured.ece)).toMatch(/^poorly/);
  });

  it('opens on the method the project uses, or the first when it is not among them', () => {
    const other = { ...measured, method: 'mv' };
    expect(initialMethod([other, measured], 'ds')).toBe('ds');
    expect(initialMethod([other, measured], 'auto')).toBe('mv');
    expect(initialMethod([], 'ds')).toBeUndefined();
  });

  it("notes beside a method's name whether the project uses it and whether gold was split to score it", () => {
    expect(rowNote(measured, 'ds')).toBe('in use');
    expect(rowNote(measured, 'mv')).toBe('');
    expect(rowNote({ ...measured, crossFitted: true }, 'ds')).toBe('in use · cross-fitted: fitted on half the gold items, scored on the other half');
  });
});

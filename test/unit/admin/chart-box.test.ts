import { describe, expect, it } from 'vitest';
import { linearX, shareY, type ChartBox } from '../../../client/admin/charts/chart-box.ts';

const box: ChartBox = { width: 400, height: 200, pad: { left: 36, right: 12, top: 10, bottom: 26 } };

describe('chart box', () => {
  it('puts share 0 on the bottom margin and share 1 on the top one', () => {
    const y = shareY(box);
    expect(y(0)).toBe(174);
    expect(y(1)).toBe(10);
    expect(y(0.5)).toBe(92);
  });

  it('spreads low..high across the plot between the side margins', () => {
    const x = linearX(box, 1, 5);
    expect(x(1)).toBe(36);
    expect(x(5)).toBe(388);
    expect(x(3)).toBe(212);
  });

  it('puts every value on the left margin when there is a single value', () => {
    expect(linearX(box, 3, 3)(3)).toBe(36);
  });
});

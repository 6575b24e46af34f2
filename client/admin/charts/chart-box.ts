/** The drawing area of a small SVG chart: its size in viewBox units and the margins the axis labels sit in. */
export interface ChartBox {
  width: number;
  height: number;
  pad: { left: number; right: number; top: number; bottom: number };
}

/** Where a share (0 to 1) stands on the y axis: 0 on the bottom margin, 1 on the top one. */
export function shareY({ height, pad }: ChartBox): (share: number) => number {
  return (share) => height - pad.bottom - share * (height - pad.top - pad.bottom);
}

/** Where a value between `low` and `high` stands on the x axis; a single value (low = high) stands on the left. */
export function linearX({ width, pad }: ChartBox, low: number, high: number): (value: number) => number {
  return (value) => pad.left + ((value - low) / (high - low || 1)) * (width - pad.left - pad.right);
}

/** One bin of a reliability diagram: the items whose reported confidence fell in `[low, high)` (the last bin is closed). */
export interface ReliabilityBin {
  low: number;
  high: number;
  count: number;
  /** Mean reported confidence of the bin's items (the bin's midpoint when empty). */
  meanConfidence: number;
  /** Share of the bin's items whose chosen answer was right (null when empty). */
  accuracy: number | null;
}

export interface Reliability {
  bins: ReliabilityBin[];
  /** Expected calibration error: the count-weighted mean of |accuracy - mean confidence| over the bins. */
  ece: number;
  /** Items scored (those with a reference answer). */
  n: number;
  /** Share of them answered right. */
  accuracy: number;
}

/**
 * Confidence against correctness in equal-width bins, the measure the dataset tests, the CLI, the benchmark and the
 * quality page all report, so each says the same number for the same items. Items without a reference answer are
 * left out by the caller (pass only scored items).
 * @param confidence reported confidence of the chosen answer per item, in [0, 1]
 * @param correct 1 (or true) where the chosen answer matched the reference
 */
export function reliability(confidence: ArrayLike<number>, correct: ArrayLike<number | boolean>, nBins = 10): Reliability {
  if (confidence.length !== correct.length) throw new Error(`reliability: ${confidence.length} confidences for ${correct.length} outcomes`);
  const count = new Float64Array(nBins);
  const sumConfidence = new Float64Array(nBins);
  const sumCorrect = new Float64Array(nBins);
  let right = 0;
  for (let i = 0; i < confidence.length; i++) {
    const c = Math.min(1, Math.max(0, confidence[i]));
    const b = Math.min(nBins - 1, Math.floor(c * nBins));
    const hit = correct[i] ? 1 : 0;
    count[b]++;
    sumConfidence[b] += c;
    sumCorrect[b] += hit;
    right += hit;
  }
  const n = confidence.length;
  let ece = 0;
  const bins = Array.from(count, (m, b): ReliabilityBin => {
    if (m > 0) ece += (m / n) * Math.abs(sumCorrect[b] / m - sumConfidence[b] / m);
    return {
      low: b / nBins,
      high: (b + 1) / nBins,
      count: m,
      meanConfidence: m > 0 ? sumConfidence[b] / m : (b + 0.5) / nBins,
      accuracy: m > 0 ? sumCorrect[b] / m : null,
    };
  });
  return { bins, ece: n > 0 ? ece : 0, n, accuracy: n > 0 ? right / n : 0 };
}

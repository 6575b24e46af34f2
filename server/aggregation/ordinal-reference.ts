/**
 * Maps an ordinal model's scores onto a reference's scale using items whose reference score is known (a project's
 * gold items, or experts' means). A crowd can agree with itself and still sit apart from the reference: on
 * SummEval five crowd ratings that agree leave the experts' mean 1-1.5 points away. That gap is shared by every
 * answer to an item, so no amount of agreement among the answers reveals it; only items with a known reference
 * can. Fitted by maximum likelihood: reference_i ~ N(intercept + slope · score_i, slope² · sd_i² + extraVariance).
 */

/** The fitted map; `extraVariance` is the reference's spread around the mapped score beyond the score's own sd. */
export interface ReferenceMap {
  intercept: number;
  slope: number;
  extraVariance: number;
  /** Reference items it was fitted on. */
  fittedOn: number;
  /** Where the interval's ends fall around a mapped score, in units of its sd (negative, positive). */
  quantiles: [number, number];
}

/** Scores with their sd and the degrees of freedom behind that sd, all indexed by item. */
export interface ScorePosterior {
  score: Float64Array;
  sd: Float64Array;
  df: Float64Array;
}

/**
 * Fits the map on the items where `reference` is finite (and the score is): weighted least squares for intercept
 * and slope alternating with Fisher scoring of the extra variance, which converges in a few dozen rounds.
 */
export function fitReferenceMap(
  posterior: ScorePosterior,
  reference: Float64Array,
  level: number,
  range: { min: number; max: number },
  maxIterations = 200,
): ReferenceMap {
  const { score, sd } = posterior;
  const used: number[] = [];
  for (let i = 0; i < reference.length; i++) if (Number.isFinite(reference[i]) && Number.isFinite(score[i])) used.push(i);
  let intercept = 0;
  let slope = 1;
  let extraVariance = 0;
  // Start the extra variance at the plain residual spread so the first weights are not those of a perfect fit.
  for (const i of used) extraVariance += (reference[i] - score[i]) ** 2 / used.length;
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    let sw = 0;
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let sxy = 0;
    for (const i of used) {
      const w = 1 / (slope * slope * sd[i] * sd[i] + extraVariance + 1e-12);
      sw += w;
      sx += w * score[i];
      sy += w * reference[i];
      sxx += w * score[i] * score[i];
      sxy += w * score[i] * reference[i];
    }
    const det = sw * sxx - sx * sx;
    const nextSlope = det > 1e-12 * sw * sw ? (sw * sxy - sx * sy) / det : 0;
    const nextIntercept = (sy - nextSlope * sx) / sw;
    let score2 = 0;
    let information = 0;
    for (const i of used) {
      const v = nextSlope * nextSlope * sd[i] * sd[i] + extraVariance + 1e-12;
      const r = reference[i] - nextIntercept - nextSlope * score[i];
      score2 += (r * r - v) / (v * v);
      information += 1 / (v * v);
    }
    const nextExtra = Math.max(0, extraVariance + score2 / information);
    const change = Math.abs(nextSlope - slope) + Math.abs(nextIntercept - intercept) + Math.abs(nextExtra - extraVariance);
    intercept = nextIntercept;
    slope = nextSlope;
    extraVariance = nextExtra;
    if (change < 1e-9) break;
  }
  const map = { intercept, slope, extraVariance, fittedOn: used.length };
  const mapped = applyReferenceMap({ ...map, quantiles: [0, 0] }, posterior);
  // The residuals are measured on the items the line was fitted to, so they run a little small: two fitted parameters.
  const inflation = Math.sqrt(used.length / Math.max(used.length - 2, 1));
  const residual = Float64Array.from(used, (i) => ((reference[i] - mapped.score[i]) / mapped.sd[i]) * inflation);
  const sorted = residual.slice().sort();
  const covered = (quantiles: [number, number]) =>
    used.reduce((count, i) => {
      // Clipped to the scale an end can pass the reference without reaching it in sd units.
      const low = Math.max(range.min, mapped.score[i] + quantiles[0] * mapped.sd[i]);
      const high = Math.min(range.max, mapped.score[i] + quantiles[1] * mapped.sd[i]);
      return count + (reference[i] >= low && reference[i] <= high ? 1 : 0);
    }, 0);
  const needed = Math.min(Math.ceil((used.length + 1) * level), used.length);
  // References pile up at an end of the scale (experts' consistency at 5), where clipping covers them for free:
  // equal tails would then miss only half the share. The nominal level is lowered until the clipped intervals miss
  // the share asked for on the reference items, never below the level that gives one tail the whole share.
  let quantiles = tails(sorted, level);
  for (let nominal = level - LEVEL_STEP; nominal >= 2 * level - 1 - 1e-9; nominal -= LEVEL_STEP) {
    const narrower = tails(sorted, nominal);
    if (covered(narrower) < needed) break;
    quantiles = narrower;
  }
  return { ...map, quantiles };
}

const LEVEL_STEP = 0.0025;

/** Equal-tailed split-conformal ends at `level`. */
function tails(sorted: Float64Array, level: number): [number, number] {
  return [conformalQuantile(sorted, (1 - level) / 2), conformalQuantile(sorted, (1 + level) / 2)];
}

/**
 * The split-conformal order statistic: the ⌈(n + 1)·q⌉-th smallest for an upper end, the ⌊(n + 1)·q⌋-th for a
 * lower one, so a new item falls beyond it with probability at most 1 - q (or q) when items are exchangeable.
 */
function conformalQuantile(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  if (q >= 0.5) {
    const k = Math.ceil((n + 1) * q);
    return k > n ? Infinity : sorted[k - 1];
  }
  const k = Math.floor((n + 1) * q);
  return k < 1 ? -Infinity : sorted[k - 1];
}

/**
 * Scores on the reference's scale with the reference's spread added. The interval around each score is set by
 * `quantiles`, measured on the reference items themselves, rather than by a normal or t shape: references are
 * bounded and skewed (experts' consistency scores pile up at the top of the scale), and empirical quantiles of
 * the standardized residuals hold their coverage whatever the shape, as in split conformal prediction.
 */
export function applyReferenceMap(map: ReferenceMap, posterior: ScorePosterior): ScorePosterior {
  const score = posterior.score.map((s) => map.intercept + map.slope * s);
  const sd = posterior.sd.map((s) => Math.sqrt((map.slope * s) ** 2 + map.extraVariance + 1e-12));
  return { score, sd, df: posterior.df };
}

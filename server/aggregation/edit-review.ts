import { levenshtein } from './edit-distance.ts';
import { median, quantile } from './numeric.ts';

/** One review of generated text: accepted as is or not, what was wrong, and the correction when there is one. */
export interface EditReview {
  accepted: boolean;
  errorTags?: readonly string[];
  correction?: { original: string; corrected: string };
}

/** Summary of a set of reviews. */
export interface EditReviewSummary {
  reviews: number;
  acceptRate: number;
  /** Share of reviews that came with a corrected text. */
  correctedRate: number;
  /** Per tag: reviews carrying it and that count's share of all reviews; most frequent first. */
  errorTags: { tag: string; count: number; share: number }[];
  /** Levenshtein distance (code points) of each correction from the text it corrects; NaN without corrections. */
  editDistance: { mean: number; median: number; p90: number };
}

/** Accept rate, error-tag frequencies and edit-distance statistics of a set of reviews. */
export function summarizeEditReviews(reviews: readonly EditReview[]): EditReviewSummary {
  const tagCounts = new Map<string, number>();
  const distances: number[] = [];
  let accepted = 0;
  for (const review of reviews) {
    if (review.accepted) accepted++;
    // A tag repeated on one review counts once: frequencies are "share of reviews with this problem".
    for (const tag of new Set(review.errorTags ?? [])) tagCounts.set(tag, (tagCounts.get(tag) ?? 0) + 1);
    if (review.correction) distances.push(levenshtein(review.correction.original, review.correction.corrected));
  }
  const n = reviews.length;
  const errorTags = [...tagCounts]
    .map(([tag, count]) => ({ tag, count, share: count / n }))
    .sort((x, y) => y.count - x.count || (x.tag < y.tag ? -1 : 1));
  const mean = distances.length > 0 ? distances.reduce((a, b) => a + b, 0) / distances.length : NaN;
  return {
    reviews: n,
    acceptRate: n > 0 ? accepted / n : NaN,
    correctedRate: n > 0 ? distances.length / n : NaN,
    errorTags,
    editDistance: { mean, median: median(distances), p90: quantile(distances, 0.9) },
  };
}

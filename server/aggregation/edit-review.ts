import { levenshtein } from './edit-distance.ts';
import { median, quantile } from './numeric.ts';

/** One synthetic-data review: did the reviewer accept the model output, what was wrong, and what they changed. */
export interface EditReview {
  accepted: boolean;
  errorTags?: readonly string[];
  /** Text before and after the reviewer's edit (equal when unedited). */
  original: string;
  edited: string;
}

/** Summary of a batch of reviews. */
export interface EditReviewSummary {
  reviews: number;
  acceptRate: number;
  /** Per tag: reviews carrying it and that count's share of all reviews; most frequent first. */
  errorTags: { tag: string; count: number; share: number }[];
  /** Levenshtein distance between original and edited text, over all reviews. */
  editDistance: { mean: number; median: number; p90: number };
}

/** Accept rate, error-tag frequencies and edit-distance statistics of a batch of reviews. */
export function summarizeEditReviews(reviews: readonly EditReview[]): EditReviewSummary {
  const tagCounts = new Map<string, number>();
  const distances = new Float64Array(reviews.length);
  let accepted = 0;
  reviews.forEach((review, r) => {
    if (review.accepted) accepted++;
    // A tag repeated on one review counts once: frequencies are "share of reviews with this problem".
    for (const tag of new Set(review.errorTags ?? [])) tagCounts.set(tag, (tagCounts.get(tag) ?? 0) + 1);
    distances[r] = levenshtein(review.original, review.edited);
  });
  const n = reviews.length;
  const errorTags = [...tagCounts]
    .map(([tag, count]) => ({ tag, count, share: count / n }))
    .sort((x, y) => y.count - x.count || (x.tag < y.tag ? -1 : 1));
  const mean = n > 0 ? distances.reduce((a, b) => a + b, 0) / n : NaN;
  return {
    reviews: n,
    acceptRate: n > 0 ? accepted / n : NaN,
    errorTags,
    editDistance: { mean, median: median(distances), p90: quantile(distances, 0.9) },
  };
}

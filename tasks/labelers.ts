/**
 * Each task type's labeling component, by name. Client only: the server imports registry.ts, never this file,
 * so it never loads Svelte components.
 */
import type { Component } from 'svelte';
import type { LabelerProps, TaskTypeName } from './task-type.ts';
import QualityRatingLabeler from './quality-rating/Labeler.svelte';
import SyntheticReviewLabeler from './synthetic-review/Labeler.svelte';
import PairwisePreferenceLabeler from './pairwise-preference/Labeler.svelte';

/** A labeler as the annotate screen mounts it: payload, config and judgment arrive as unknown JSON, paired by task type name. */
export type AnyLabeler = Component<LabelerProps<unknown, unknown, unknown>>;

/** The Labeler.svelte of every registered task type; the casts forget each one's own types, the name pairs them. */
export const labelers: Record<TaskTypeName, AnyLabeler> = {
  'quality-rating': QualityRatingLabeler as unknown as AnyLabeler,
  'synthetic-review': SyntheticReviewLabeler as unknown as AnyLabeler,
  'pairwise-preference': PairwisePreferenceLabeler as unknown as AnyLabeler,
};

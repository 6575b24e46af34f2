/** Every task type by name: the one place the server and client look types up. */
import type { TaskTypeName } from './task-type.ts';
import { pairwisePreference } from './pairwise-preference/index.ts';
import { qualityRating } from './quality-rating/index.ts';
import { syntheticReview } from './synthetic-review/index.ts';

/** All task types, keyed by name. */
export const taskTypes = {
  'quality-rating': qualityRating,
  'synthetic-review': syntheticReview,
  'pairwise-preference': pairwisePreference,
} as const;

/** Any registered task type. */
export type RegisteredTaskType = (typeof taskTypes)[TaskTypeName];

/** The registered names, for validation messages. */
export const taskTypeNames = Object.keys(taskTypes) as TaskTypeName[];

/** The task type called `name`, or undefined for an unknown name (projects store it as text). */
export function findTaskType(name: string): RegisteredTaskType | undefined {
  return Object.hasOwn(taskTypes, name) ? taskTypes[name as TaskTypeName] : undefined;
}

/** What the admin UI lists when creating a project: name, prose, default config and shortcuts. */
export function taskTypeSummaries() {
  return Object.values(taskTypes).map((type) => {
    const defaultConfig = type.configSchema.parse({});
    return {
      name: type.name,
      title: type.title,
      description: type.description,
      aggregationKind: type.aggregationKind,
      defaultConfig,
      shortcuts: type.shortcuts(defaultConfig as never),
    };
  });
}

/** Every task type by name: the one place the server and client look types up. */
import type { TaskTypeName } from './task-type.ts';
import { pairwisePreference } from './pairwise-preference/index.ts';
import { qualityRating } from './quality-rating/index.ts';
import { syntheticReview } from './synthetic-review/index.ts';
import { bindTaskType, type ProjectTaskType } from './project-task-type.ts';

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

/** Each type's binder, made where its concrete types are known (see {@link ProjectTaskType}). */
const binders: { [N in TaskTypeName]: (config: unknown) => ProjectTaskType } = {
  'quality-rating': (config) => bindTaskType(qualityRating, config),
  'synthetic-review': (config) => bindTaskType(syntheticReview, config),
  'pairwise-preference': (config) => bindTaskType(pairwisePreference, config),
};

/**
 * A project's task type bound to its config, taking stored values as `unknown` and checking them; undefined for an
 * unknown type name. Throws a TaskValueError when the config does not fit the type.
 */
export function projectTaskType(project: { taskType: string; config: unknown }): ProjectTaskType | undefined {
  return Object.hasOwn(binders, project.taskType) ? binders[project.taskType as TaskTypeName](project.config) : undefined;
}

/** What the admin UI lists when creating a project: name, prose, default config and shortcuts. */
export function taskTypeSummaries() {
  return Object.values(taskTypes).map((type) => {
    const bound = binders[type.name]({});
    return {
      name: type.name,
      title: type.title,
      description: type.description,
      aggregationKind: type.aggregationKind,
      defaultConfig: bound.config,
      shortcuts: bound.shortcuts(),
    };
  });
}

import { describe, expect, it } from 'vitest';
import { findTaskType, taskTypeNames, taskTypeSummaries } from '../../../tasks/registry.ts';

describe('task registry', () => {
  it('finds each type by name and nothing else', () => {
    expect(taskTypeNames).toEqual(['quality-rating', 'synthetic-review', 'pairwise-preference']);
    for (const name of taskTypeNames) expect(findTaskType(name)?.name).toBe(name);
    expect(findTaskType('toString')).toBeUndefined();
    expect(findTaskType('nope')).toBeUndefined();
  });

  it('summarises every type with a complete default config', () => {
    for (const summary of taskTypeSummaries()) {
      const type = findTaskType(summary.name)!;
      expect(type.configSchema.parse(summary.defaultConfig)).toEqual(summary.defaultConfig);
      expect(summary.shortcuts.length).toBeGreaterThan(0);
      expect(type.mturkFrameHeight).toBeGreaterThan(0);
    }
  });
});

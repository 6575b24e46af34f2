import { describe, expect, it } from 'vitest';
import { filterQuery } from '../../../client/admin/export/filter-query.ts';

const scale = { min: 0, max: 1, step: 0.02, candidates: [0, 0.5, 1] };

describe('filter query', () => {
  it('asks with the model size in parameters and the curve candidates as one list', () => {
    expect(filterQuery(0.5, 1.5, scale)).toEqual({ threshold: 0.5, parameters: 1.5e9, thresholds: '0,0.5,1' });
  });

  it('asks nothing while the model size is empty, zero or negative', () => {
    expect(filterQuery(0.5, null, scale)).toBeNull();
    expect(filterQuery(0.5, 0, scale)).toBeNull();
    expect(filterQuery(0.5, -1, scale)).toBeNull();
  });
});

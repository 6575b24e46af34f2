/** Token-length strata for sampling by length: short pages and long documents get their share. */
export const LENGTH_BUCKETS = [
  { key: '<256', min: 0, max: 256 },
  { key: '256-1k', min: 256, max: 1024 },
  { key: '1k-4k', min: 1024, max: 4096 },
  { key: '4k+', min: 4096, max: null },
] as const;

/** The classifier's seeded generator is the aggregation's mulberry32: one generator for every reproducible fit. */
export { seededRandom } from '../aggregation/random.ts';

import { stringify } from 'csv-stringify/sync';
import { stringify as stringifyStream, type Options } from 'csv-stringify';

/**
 * The one CSV dialect Curate writes (exports, offline aggregation, benchmark input): RFC 4180 quoting by
 * csv-stringify, `\n` line ends, empty for null, objects as JSON, and booleans as `true`/`false` (csv-stringify's
 * default writes `1` and an empty field, which reads back as missing). csv-stringify formats a row in about 6.7 µs
 * against 2.8 µs for the hand-written quoting it replaced (20,000 export rows of ~700 bytes); the export's own
 * figures are in the README.
 */
const csvOptions: Options = {
  cast: { boolean: (value) => String(value), object: (value) => JSON.stringify(value) },
};

/** CSV lines, each with its line break, for rows of values in column order. */
export function csvLines(rows: unknown[][]): string {
  return stringify(rows, csvOptions);
}

/** A transform from rows of values to CSV text, for writers that stream. */
export function csvStream() {
  return stringifyStream(csvOptions);
}

/**
 * npm run size [-- --dir dist] [--check]   (npm run build runs it after vite build)
 * Prints, for each page of the built client, the JavaScript and CSS a browser downloads to show it, as sent
 * compressed (the .gz and .br files the build wrote beside each asset; a file without one is sent as is), and the
 * labeling page's total against its target: annotators label on whatever connection they have. With --check, a
 * labeling page over the target fails the command.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { manifestSchema, pageLoads } from './bundle/route-chunks.ts';

/** The labeling page (route /annotate/:id) and the most JavaScript it should make a browser fetch, gzip bytes. */
const LABELING_PAGE = 'annotate/AnnotatePage.svelte';
const LABELING_TARGET = 60_000;

const { values } = parseArgs({ options: { dir: { type: 'string', default: 'dist' }, check: { type: 'boolean', default: false } } });
const dir = path.resolve(values.dir);

/** Bytes on the wire for a built file under `encoding`'s extension, or its own size when none was written. */
function sentBytes(file: string, extension: '.gz' | '.br'): number {
  const full = path.join(dir, file);
  return fs.statSync(fs.existsSync(full + extension) ? full + extension : full).size;
}

const total = (files: string[], extension: '.gz' | '.br') => files.reduce((sum, file) => sum + sentBytes(file, extension), 0);
const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`.padStart(9);

const manifest = manifestSchema.parse(JSON.parse(fs.readFileSync(path.join(dir, '.vite', 'manifest.json'), 'utf8')));
const loads = pageLoads(manifest);
console.log(`${'page'.padEnd(36)} ${'JS gzip'.padStart(9)} ${'JS br'.padStart(9)} ${'CSS gzip'.padStart(9)} ${'then gzip'.padStart(9)}`);
for (const load of loads) {
  console.log(
    `${load.page.padEnd(36)} ${kB(total(load.js, '.gz'))} ${kB(total(load.js, '.br'))} ${kB(total(load.css, '.gz'))} ${kB(total(load.laterJs, '.gz'))}`,
  );
}
console.log('(what a browser fetches to show each page, as sent; "then": what the page imports on demand once shown)');

const labeling = loads.find((load) => load.page === LABELING_PAGE);
if (!labeling) throw new Error(`${LABELING_PAGE} is not a page of this build: has the labeling route moved?`);
const labelingBytes = total(labeling.js, '.gz');
const verdict = labelingBytes > LABELING_TARGET ? 'over' : 'within';
console.log(
  `\nLabeling route (/annotate/:id): ${kB(labelingBytes).trim()} of JavaScript to show it, gzip (${verdict} the ${kB(LABELING_TARGET).trim()} target), ` +
    `then ${kB(total(labeling.laterJs, '.gz')).trim()} for live updates`,
);
if (values.check && labelingBytes > LABELING_TARGET) {
  console.log('The labeling route is over its target: keep admin-only code and libraries out of its chunks.');
  process.exitCode = 1;
}

import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { CliCommand } from './command.ts';
import { CliError } from './command.ts';
import { parseCliArgs, required } from './parse-args.ts';
import { ApiClient } from './api-client.ts';
import { progressBar } from './progress-bar.ts';
import { extractTar } from '../../server/export/tar-writer.ts';

const usage = `Usage: npm run curate -- export --project NAME --format jsonl|csv|parquet|hf --out PATH [filters]

Exports a project's labeled quality set. With --format hf, PATH is a directory that receives a Hugging Face
dataset layout: data/<split>-00000-of-00001.parquet and a README.md dataset card.

Filters and options:
  --batch ID             only this batch
  --min-confidence X     only items whose result has confidence >= X (0..1)
  --adjudicated-only     only items a reviewer adjudicated
  --exclude-flagged      leave out items annotators flagged
  --no-text              leave the document text out
  --judgments            include every raw judgment (pseudonymized annotators, time spent, gold flags)
  --split A,B,C          seeded stratified train,validation,test shares (default for hf: 0.8,0.1,0.1)
  --stratify-by label|source   (default: label)
  --seed N               split seed (default 0)`;

const command: CliCommand = {
  name: 'export',
  summary: 'export labeled quality sets (JSONL, CSV, Parquet, Hugging Face layout)',
  usage,
  async run(argv) {
    const { values } = parseCliArgs(argv, {
      project: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      batch: { type: 'string' },
      'min-confidence': { type: 'string' },
      'adjudicated-only': { type: 'boolean' },
      'exclude-flagged': { type: 'boolean' },
      'no-text': { type: 'boolean' },
      judgments: { type: 'boolean' },
      split: { type: 'string' },
      'stratify-by': { type: 'string' },
      seed: { type: 'string' },
    });
    if (values.help) return (console.log(usage), 0);
    const format = required(values.format, '--format');
    if (!['jsonl', 'csv', 'parquet', 'hf'].includes(format)) throw new CliError(`--format must be jsonl, csv, parquet or hf`, 2);
    const out = required(values.out, '--out');
    const client = await ApiClient.fromEnv();
    const project = await client.projectByName(required(values.project, '--project'));
    const query = new URLSearchParams({ format });
    if (values.batch) query.set('batchId', values.batch);
    if (values['min-confidence']) query.set('minConfidence', values['min-confidence']);
    if (values['adjudicated-only']) query.set('adjudicatedOnly', 'true');
    if (values['exclude-flagged']) query.set('excludeFlagged', 'true');
    if (values['no-text']) query.set('includeText', 'false');
    if (values.judgments) query.set('includeJudgments', 'true');
    if (values.split) query.set('split', values.split);
    if (values['stratify-by']) query.set('stratifyBy', values['stratify-by']);
    if (values.seed) query.set('seed', values.seed);

    const response = await client.stream('GET', `/api/projects/${project.id}/export?${query}`);
    // Before the counting listener starts the stream flowing: chunks read while this awaited were lost to the tar.
    if (format === 'hf') await fs.promises.mkdir(out, { recursive: true });
    const bar = progressBar('exporting', 0);
    let bytes = 0;
    // fetch's body is node:stream/web's ReadableStream at run time, but TypeScript types it with the DOM library's
    // ReadableStream, which Readable.fromWeb's declaration does not take: the conversion names what it really is.
    const counted = Readable.fromWeb(response as NodeReadableStream<Uint8Array>).on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      bar.update(0, `${(bytes / 1e6).toFixed(1)} MB`);
    });
    if (format === 'hf') {
      const files = await extractTar(counted, out);
      bar.done();
      console.log(`wrote ${files.length} file(s) to ${out}: ${files.join(', ')}`);
    } else {
      await pipeline(counted, fs.createWriteStream(out));
      bar.done();
      console.log(`wrote ${(bytes / 1e6).toFixed(2)} MB to ${out}`);
    }
    return 0;
  },
};
export default command;

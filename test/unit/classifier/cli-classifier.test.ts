import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import command from '../../../scripts/cli/classifier.ts';
import { runCli } from '../../../scripts/cli/command.ts';
import { createScorer, readFastTextBin } from '../../../server/classifier/index.ts';
import { syntheticExamples } from './synthetic.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curate-classifier-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const at = (name: string) => path.join(dir, name);

async function run(argv: string[]) {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  const error = vi.spyOn(console, 'error').mockImplementation(() => {});
  const stderrWrite = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    const code = await runCli(command, argv);
    return { code, stdout: log.mock.calls.map((c) => c.join(' ')).join('\n'), stderr: error.mock.calls.map((c) => c.join(' ')).join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
    stderrWrite.mockRestore();
  }
}

// Nested fields and a gzip-compressed file, as annotation dumps come; one record without a label is left out.
const rows = (examples: ReturnType<typeof syntheticExamples>) =>
  examples.map((e, i) => JSON.stringify({ id: `doc-${i}`, doc: { body: e.text }, rating: Number(e.label) }));
fs.writeFileSync(
  at('train.jsonl.gz'),
  gzipSync([...rows(syntheticExamples(600, 21)), JSON.stringify({ doc: { body: 'no label' } })].join('\n') + '\n'),
);
fs.writeFileSync(at('test.jsonl'), rows(syntheticExamples(200, 22)).join('\n') + '\n');

describe('curate classifier', () => {
  it('trains a model from a gzipped file, with the fastText training file beside it', async () => {
    const result = await run([
      'train',
      ...['--input', at('train.jsonl.gz'), '--text-field', 'doc.body', '--label-field', 'rating', '--out', at('model.bin')],
      ...['--training-file', at('train.txt'), '--epoch', '5'],
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/trained on 600 documents/);
    expect(result.stderr).toMatch(/left out 1 records/);
    expect(readFastTextBin(fs.readFileSync(at('model.bin'))).labels).toEqual(['0', '1', '2']);
    const lines = fs.readFileSync(at('train.txt'), 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(600);
    expect(lines.every((l) => /^__label__[012] \S/.test(l))).toBe(true);
  });

  it('evaluates beside the baselines', async () => {
    const evaluate = ['evaluate', '--model', at('model.bin'), '--input', at('test.jsonl'), '--text-field', 'doc.body', '--label-field', 'rating'];
    const result = await run([...evaluate, '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.model.n).toBe(200);
    expect(report.model.accuracy).toBeGreaterThan(0.85);
    expect(report.model.accuracy).toBeGreaterThan(report.majority.accuracy + 0.3);
    expect(report.model.spearman).toBeGreaterThan(report.length.spearman ?? 0);
    const text = await run(evaluate);
    expect(text.stdout).toMatch(/model\s+length-only\s+majority/);
    expect(text.stdout).toMatch(/keep >= 2 P\/R/);
  });

  it('scores a corpus to Parquet: id, expected score, its rounding and every class probability, as the scorer gives them', async () => {
    const result = await run([
      'score',
      '--model',
      at('model.bin'),
      '--input',
      at('test.jsonl'),
      '--text-field',
      'doc.body',
      '--out',
      at('scores.parquet'),
    ]);
    expect(result.code).toBe(0);
    const scored = await parquetReadObjects({ file: await asyncBufferFromFile(at('scores.parquet')) });
    expect(scored).toHaveLength(200);
    const score = createScorer(readFastTextBin(fs.readFileSync(at('model.bin'))));
    const first = score(syntheticExamples(200, 22)[0].text);
    expect(scored[0].id).toBe('doc-0');
    expect(scored[0].prob_1).toBeCloseTo(first[1], 12);
    expect(scored[0].score).toBeCloseTo(first[1] + 2 * first[2], 12);
    expect(Number(scored[0].int_score)).toBe(Math.round(first[1] + 2 * first[2]));
  });

  it('answers --help and refuses an unknown action or a bad option as usage errors', async () => {
    expect((await run(['train', '--help'])).stdout).toMatch(/classifier train --input FILE --out MODEL.bin/);
    expect((await run(['guess'])).code).toBe(2);
    const bad = await run(['train', '--input', at('train.jsonl.gz'), '--out', at('x.bin'), '--dim', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--dim/);
  });
});

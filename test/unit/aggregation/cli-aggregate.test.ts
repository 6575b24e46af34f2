import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import command from '../../../scripts/cli/aggregate.ts';
import { runCli } from '../../../scripts/cli/command.ts';
import { parse } from 'csv-parse/sync';
import { reliability } from '../../../server/aggregation/calibration-error.ts';
import { chooseMethod } from '../../../server/aggregation/auto-method.ts';
import { encodeAnswers, simulateCrowd, toJudgments } from '../../../server/aggregation/index.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curate-aggregate-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

const answers = write(
  'answers.csv',
  [
    'item,worker,label',
    '"doc 1, part a",w1,cat',
    '"doc 1, part a",w2,cat',
    '"doc 1, part a",w3,dog',
    'doc2,w1,dog',
    'doc2,w2,cat',
    'doc3,w1,"say ""hi"""',
    'doc3,w2,"say ""hi"""',
  ].join('\n') + '\n',
);
const gold = write('gold.csv', 'item,truth\n"doc 1, part a",cat\ndoc2,dog\ndoc3,"say ""hi"""\nunanswered,cat\n');

async function run(argv: string[]) {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  const error = vi.spyOn(console, 'error').mockImplementation(() => {});
  try {
    const code = await runCli(command, argv);
    return { code, stdout: log.mock.calls.map((c) => c.join(' ')), stderr: error.mock.calls.map((c) => c.join(' ')) };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('aggregate command', () => {
  it('writes a quoted CSV of labels and prints accuracy against gold', async () => {
    const out = path.join(dir, 'mv.csv');
    const { code, stdout } = await run(['--answers', answers, '--method', 'mv', '--gold', gold, '--out', out]);
    expect(code).toBe(0);
    const text = fs.readFileSync(out, 'utf8');
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('item,label,confidence');
    const rows: string[][] = parse(text, { from_line: 2 });
    // The tie between cat and dog on doc2 goes to the smaller string.
    expect(rows.map((r) => r.slice(0, 2))).toEqual([
      ['doc 1, part a', 'cat'],
      ['doc2', 'cat'],
      ['doc3', 'say "hi"'],
    ]);
    expect(lines[3]).toMatch(/^doc3,"say ""hi""",0\.\d+$/);
    // Confidence of the chosen label, calibrated: below 1 on two or three votes, lowest on the tie.
    const [doc1, doc2, doc3] = rows.map((r) => Number(r[2]));
    expect(Math.max(doc1, doc3)).toBeLessThan(1);
    expect(doc2).toBeLessThan(Math.min(doc1, doc3));
    // doc2's truth is dog, so 2 of the 3 answered gold items are right.
    expect(stdout[0]).toBe('accuracy 0.6667 over 3 gold items');
  });

  it('with --gold prints the calibration error and a reliability table of the confidences against gold', async () => {
    const { code, stdout } = await run(['--answers', answers, '--method', 'mv', '--gold', gold, '--out', path.join(dir, 'mv-gold.csv')]);
    expect(code).toBe(0);
    // The table is the written confidences against gold (doc2's truth is dog), in the shared measure's bins.
    const written: string[][] = parse(fs.readFileSync(path.join(dir, 'mv-gold.csv'), 'utf8'), { from_line: 2 });
    const expected = reliability(
      written.map((r) => Number(r[2])),
      written.map((r) => r[0] !== 'doc2'),
    );
    expect(expected.bins.filter((b) => b.count > 0).length).toBeGreaterThan(1);
    expect(stdout[1]).toBe(`calibration error (ECE, 10 bins) ${expected.ece.toFixed(4)}`);
    const table = stdout.slice(2).map((line) => line.trim().split(/\s+/));
    expect(table[0]).toEqual(['confidence', 'items', 'mean', 'confidence', 'accuracy']);
    expect(table.slice(1)).toEqual(
      expected.bins.map((b) => [
        `${b.low.toFixed(1)}-${b.high.toFixed(1)}`,
        String(b.count),
        b.count ? b.meanConfidence.toFixed(4) : '-',
        b.accuracy === null ? '-' : b.accuracy.toFixed(4),
      ]),
    );
    expect(table[1]).toEqual(['0.0-0.1', '0', '-', '-']);
  });

  it('accepts a UTF-8 byte-order mark on the header of both the answers and the gold file', async () => {
    const bomAnswers = write('bom-answers.csv', '\uFEFFitem,worker,label\na,w1,x\na,w2,x\nb,w1,y\nb,w2,x\n');
    const bomGold = write('bom-gold.csv', '\uFEFFitem,truth\na,x\nb,y\n');
    const { code, stdout, stderr } = await run([
      '--answers',
      bomAnswers,
      '--method',
      'mv',
      '--gold',
      bomGold,
      '--out',
      path.join(dir, 'bom-out.csv'),
    ]);
    expect(stderr.filter((l) => !l.includes('answers,'))).toEqual([]);
    expect(code).toBe(0);
    // b ties between x and y and goes to x: one of the two gold items is right.
    expect(stdout[0]).toBe('accuracy 0.5000 over 2 gold items');
  });

  it('runs --method auto offline', async () => {
    const out = path.join(dir, 'auto.csv');
    const { code, stdout } = await run(['--answers', answers, '--method', 'auto', '--gold', gold, '--out', out]);
    expect(code).toBe(0);
    const rows: string[][] = parse(fs.readFileSync(out, 'utf8'));
    expect(rows[0]).toEqual(['item', 'label', 'confidence']);
    expect(rows.slice(1).map((r) => r[0])).toEqual(['doc 1, part a', 'doc2', 'doc3']);
    expect(rows[1][1]).toBe('cat');
    for (const r of rows.slice(1)) expect(Number(r[2])).toBeGreaterThan(0);
    expect(stdout[0]).toMatch(/^accuracy \d\.\d{4} over 3 gold items$/);
  });

  it('--method auto gives what the method it chooses from the answers gives, as the server chooses it', async () => {
    const crowd = simulateCrowd({ nItems: 300, judgmentsPerItem: 3, nWorkers: 15, nClasses: 3, seed: 11, mix: { regular: 0.7, spammer: 0.3 } });
    const { item, worker, label } = crowd.judgments;
    const file = write('crowd.csv', ['item,worker,label', ...Array.from(item, (i, j) => `i${i},w${worker[j]},c${label[j]}`)].join('\n') + '\n');
    const encoded = encodeAnswers(
      Array.from(item, (i) => `i${i}`),
      Array.from(worker, (w) => `w${w}`),
      Array.from(label, (l) => `c${l}`),
    );
    const chosen = chooseMethod(toJudgments(encoded)).method;
    const outputs = [];
    for (const method of ['auto', chosen]) {
      const out = path.join(dir, `crowd-${method}.csv`);
      expect((await run(['--answers', file, '--method', method, '--out', out])).code).toBe(0);
      outputs.push(fs.readFileSync(out, 'utf8'));
    }
    expect(outputs[0]).toBe(outputs[1]);
  });

  it('--method all prints every method side by side, with the accuracy and calibration error each scores alone', async () => {
    const out = path.join(dir, 'all.csv');
    const { code, stdout } = await run(['--answers', answers, '--method', 'all', '--gold', gold, '--out', out]);
    expect(code).toBe(0);
    const [header, ...rows] = stdout.map((line) => line.trim().split(/\s+/));
    expect(header).toEqual(['method', 'seconds', 'accuracy', 'ECE']);
    const methods = rows.map((r) => r[0]);
    expect(methods).toEqual(expect.arrayContaining(['mv', 'wawa', 'ds', 'one-coin', 'mace', 'glad', 'ibcc', 'ebcc', 'auto']));
    for (const r of rows) {
      expect(r).toHaveLength(4);
      expect(Number(r[1])).toBeGreaterThanOrEqual(0);
    }
    // Each row says what the method alone says.
    for (const method of ['mv', 'ds']) {
      const alone = await run(['--answers', answers, '--method', method, '--gold', gold, '--out', path.join(dir, `${method}-alone.csv`)]);
      const row = rows.find((r) => r[0] === method)!;
      expect(`accuracy ${row[2]} over 3 gold items`).toBe(alone.stdout[0]);
      expect(`calibration error (ECE, 10 bins) ${row[3]}`).toBe(alone.stdout[1]);
    }
    const written: string[][] = parse(fs.readFileSync(out, 'utf8'));
    expect(written[0]).toEqual(['item', ...methods.flatMap((m) => [`${m}_label`, `${m}_confidence`])]);
    const mvAlone: string[][] = parse(fs.readFileSync(path.join(dir, 'mv-alone.csv'), 'utf8'));
    expect(written.map((r) => r.slice(0, 3))).toEqual([['item', 'mv_label', 'mv_confidence'], ...mvAlone.slice(1)]);
  });

  it('--method all without --gold prints the time per method only', async () => {
    const { code, stdout } = await run(['--answers', answers, '--method', 'all']);
    expect(code).toBe(0);
    expect(stdout[0].trim().split(/\s+/)).toEqual(['method', 'seconds']);
    expect(stdout.length).toBeGreaterThan(6);
  });

  it('runs the ordinal model on numeric labels and reports MAE', async () => {
    const numeric = write('scores.csv', 'item,worker,label\na,w1,1\na,w2,2\nb,w1,4\nb,w2,5\n');
    const out = path.join(dir, 'ordinal.csv');
    const { code } = await run(['--answers', numeric, '--method', 'ordinal', '--out', out]);
    expect(code).toBe(0);
    const rows: string[][] = parse(fs.readFileSync(out, 'utf8'));
    expect(rows[0]).toEqual(['item', 'score', 'low', 'high']);
    const [a, b] = rows.slice(1).map((r) => r.slice(1).map(Number));
    expect(a[0]).toBeLessThan(b[0]);
    expect(a[1]).toBeLessThan(a[0]);
    expect(a[2]).toBeGreaterThan(a[0]);
  });

  it('reads CSV as spreadsheets save it: a byte-order mark, CRLF line ends, a quoted field across lines', async () => {
    const saved = write(
      'saved.csv',
      '\uFEFFitem,worker,label\r\n"doc\r\nwith a break",w1,"two\nlines"\r\n"doc\r\nwith a break",w2,"two\nlines"\r\nd2,w1,x\r\n',
    );
    const out = path.join(dir, 'saved-out.csv');
    const { code, stderr } = await run(['--answers', saved, '--method', 'mv', '--out', out]);
    expect(stderr.filter((l) => !l.includes('answers,'))).toEqual([]);
    expect(code).toBe(0);
    expect(parse(fs.readFileSync(out, 'utf8')).map((r: string[]) => r.slice(0, 2))).toEqual([
      ['item', 'label'],
      ['doc\r\nwith a break', 'two\nlines'],
      ['d2', 'x'],
    ]);
  });

  it('names the line of a row with too few fields', async () => {
    const short = write('short.csv', 'item,worker,label\nd1,w1,a\nd2,w1\n');
    const { code, stderr } = await run(['--answers', short, '--method', 'mv', '--out', path.join(dir, 'short-out.csv')]);
    expect(code).toBe(1);
    expect(stderr[0]).toMatch(/short\.csv/);
    expect(stderr[0]).toMatch(/\b3\b/);
  });

  it('rejects bad arguments with exit code 2 and one line on stderr', async () => {
    for (const argv of [['--method', 'mv', '--out', 'x.csv'], ['--answers', answers, '--method', 'best', '--out', 'x.csv'], ['--bogus']]) {
      const { code, stderr } = await run(argv);
      expect(code).toBe(2);
      expect(stderr).toHaveLength(1);
    }
  });

  it('prints usage for --help', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    expect(stdout[0]).toContain('--method');
  });

  it('fails with exit code 1 on a file without the expected header', async () => {
    const bad = write('bad.csv', 'a,b,c\n1,2,3\n');
    const { code, stderr } = await run(['--answers', bad, '--method', 'mv', '--out', path.join(dir, 'x.csv')]);
    expect(code).toBe(1);
    expect(stderr[0]).toMatch(/header lacks item, worker, label/);
  });
});

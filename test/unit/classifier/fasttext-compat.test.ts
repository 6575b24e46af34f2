/**
 * The exported `.bin` is fastText's own model: fastText 0.9.2 (Debian's python3-fasttext) loads it and gives the
 * probabilities our scorer gives, to 1e-4 (its predict adds 1e-5 inside a log, so the figures are never bit-equal),
 * on 1,000 documents, for words alone, word n-grams into buckets and character n-grams, each hashed its own way;
 * and the other way round, a model fastText's CLI trained reads into our scorer with the same probabilities.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createScorer, readFastTextBin, trainClassifier, trainingLine, writeFastTextBin } from '../../../server/classifier/index.ts';
import type { ClassifierOptionsInput } from '../../../server/classifier/index.ts';
import { syntheticExamples } from './synthetic.ts';

const PYTHON = '/usr/bin/python3';
const FASTTEXT = '/usr/bin/fasttext';
const haveFastText =
  fs.existsSync(FASTTEXT) && fs.existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import fasttext'], { stdio: 'ignore' }).status === 0;

/** Prints, per input line of JSON text, fastText's probability of each label, in the model's label order. */
const PREDICT = `
import fasttext, json, sys
fasttext.FastText.eprint = lambda *args, **kwargs: None
model = fasttext.load_model(sys.argv[1])
labels = model.get_labels()
for line in sys.stdin:
    text = json.loads(line).replace("\\n", " ")
    got, probs = model.predict(text, k=-1, threshold=0.0)
    p = dict(zip(got, probs))
    print(json.dumps([float(p.get(l, 0.0)) for l in labels]))
print(json.dumps(labels))
`;

/** Edge cases of fastText's reading: nothing, only separators, a token it takes for a label, a literal "</s>". */
const EDGES = ['', ' \t\r\f\v ', '__label__1 court appeal', 'court </s> theorem proof', 'ÄÖÜ ß 🙂🙂 東京東京', 'x'.repeat(300)];

function fastTextProbabilities(bin: Buffer, texts: string[]): { probabilities: number[][]; labels: string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fasttext-compat-'));
  try {
    const file = path.join(dir, 'model.bin');
    fs.writeFileSync(file, bin);
    const run = spawnSync(PYTHON, ['-c', PREDICT, file], {
      input: texts.map((t) => JSON.stringify(t)).join('\n') + '\n',
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    });
    if (run.status !== 0) throw new Error(`fastText failed: ${run.stderr}`);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    return { labels: lines.pop(), probabilities: lines };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const variants: [string, ClassifierOptionsInput][] = [
  ['words', {}],
  ['word 3-grams in buckets', { wordNgrams: 3, bucket: 50_000 }],
  ['character 2-4-grams', { minn: 2, maxn: 4, bucket: 30_000, minCount: 1 }],
];

describe.runIf(haveFastText)('fastText 0.9.2 loads the exported model', () => {
  const train = syntheticExamples(2000, 11);
  const texts = [...EDGES, ...syntheticExamples(1000 - EDGES.length, 12).map((e) => e.text)];

  for (const [name, options] of variants) {
    it(`and gives our probabilities within 1e-4 (${name})`, () => {
      const model = trainClassifier(train, ['0', '1', '2'], { dim: 8, epoch: 3, ...options });
      const theirs = fastTextProbabilities(writeFastTextBin(model), texts);
      expect(theirs.labels).toEqual(['__label__0', '__label__1', '__label__2']);
      const score = createScorer(model);
      let worst = 0;
      texts.forEach((text, i) => {
        const ours = score(text);
        for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(ours[c] - theirs.probabilities[i][c]));
      });
      expect(theirs.probabilities).toHaveLength(1000);
      expect(worst).toBeLessThan(1e-4);
      // The model has learned something, so agreement is not that of two uniform outputs.
      expect(Math.max(...theirs.probabilities.map((p) => Math.max(...p)))).toBeGreaterThan(0.9);
    });
  }

  it("reads a model fastText's own CLI trained, and scores as fastText does with it", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fasttext-trained-'));
    try {
      fs.writeFileSync(path.join(dir, 'train.txt'), train.map(trainingLine).join(''));
      const args = ['supervised', '-input', 'train.txt', '-output', 'model', '-dim', '8', '-epoch', '3', '-wordNgrams', '2', '-bucket', '20000'];
      const run = spawnSync(FASTTEXT, [...args, '-minn', '2', '-maxn', '3', '-thread', '1', '-verbose', '0'], { cwd: dir, encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`fasttext supervised failed: ${run.stderr}`);
      const bin = fs.readFileSync(path.join(dir, 'model.bin'));
      const model = readFastTextBin(bin);
      const theirs = fastTextProbabilities(bin, texts);
      const score = createScorer(model);
      let worst = 0;
      texts.forEach((text, i) => {
        const ours = score(text);
        const order = theirs.labels.map((l) => model.labels.indexOf(l.replace('__label__', '')));
        order.forEach((k, c) => (worst = Math.max(worst, Math.abs(ours[k] - theirs.probabilities[i][c]))));
      });
      expect(worst).toBeLessThan(1e-4);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

if (!haveFastText) {
  const title = `fastText for Python missing (${PYTHON} -c "import fasttext"): the .bin compatibility test is skipped`;
  if (process.env.CI) {
    it(title, () => {
      throw new Error('CI installs the Debian packages fasttext and python3-fasttext (.ci/run); they are missing');
    });
  } else {
    console.warn(`${title} (apt-get install fasttext python3-fasttext)`);
    it.skip(title);
  }
}

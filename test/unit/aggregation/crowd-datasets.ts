/** Loads the shared crowdsourcing datasets (answers + gold) that the accuracy tests score against. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCsvLine } from '../../../server/aggregation/csv-line.ts';
import { encodeAnswers, toJudgments } from '../../../server/aggregation/encode.ts';
import type { EncodedAnswers } from '../../../server/aggregation/encode.ts';
import type { CategoricalJudgments } from '../../../server/aggregation/types.ts';

/** The datasets live beside the repository: `<repo>/../shared/data/crowd`. */
export const crowdDataDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/data/crowd');

/**
 * Whether the datasets are present. A clone without the shared folder skips the dataset tests (saying so); CI,
 * which always has it, fails instead, so a missing folder can never pass as green there.
 */
export const haveCrowdData = fs.existsSync(crowdDataDir);
if (!haveCrowdData && process.env.CI) throw new Error(`Crowd datasets missing at ${crowdDataDir}`);

/** A dataset as judgments plus the gold class per item (-1 where unknown) and the raw gold strings. */
export interface CrowdDataset {
  encoded: EncodedAnswers;
  judgments: CategoricalJudgments;
  gold: Int32Array;
  goldText: (string | undefined)[];
}

function readRows(file: string): string[][] {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0);
  return lines.slice(1).map(parseCsvLine);
}

/** Reads `<name>/answers.csv` and `<name>/gold.csv`; gold items without answers are dropped. */
export function loadCrowdDataset(name: string): CrowdDataset {
  const answers = readRows(path.join(crowdDataDir, name, 'answers.csv'));
  const encoded = encodeAnswers(
    answers.map((r) => r[0]),
    answers.map((r) => r[1]),
    answers.map((r) => r[2]),
  );
  const judgments = toJudgments(encoded);
  const gold = new Int32Array(judgments.nItems).fill(-1);
  const goldText: (string | undefined)[] = new Array(judgments.nItems);
  for (const [item, truth] of readRows(path.join(crowdDataDir, name, 'gold.csv'))) {
    const i = encoded.items.index.get(item);
    if (i === undefined) continue;
    goldText[i] = truth;
    gold[i] = encoded.labels.index.get(truth) ?? -2;
  }
  return { encoded, judgments, gold, goldText };
}

/** Share of gold items whose predicted class equals the truth. */
export function accuracy(predicted: Int32Array, gold: Int32Array): number {
  let hits = 0;
  let scored = 0;
  for (let i = 0; i < gold.length; i++) {
    if (gold[i] === -1) continue;
    scored++;
    if (predicted[i] === gold[i]) hits++;
  }
  return hits / scored;
}

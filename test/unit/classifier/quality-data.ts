/** The shared real quality-labeled documents (../shared/data/quality) the classifier is measured on. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { it } from 'vitest';
import { seededRandom } from '../../../server/classifier/random.ts';

/** Beside the repository (`<repo>/../shared/data/quality`) unless CURATE_QUALITY_DATA names a folder. */
export const qualityDataDir = path.resolve(
  process.env.CURATE_QUALITY_DATA ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/data/quality'),
);

export const haveQualityData = fs.existsSync(path.join(qualityDataDir, 'fineweb_legal/documents.jsonl'));

/** Skipped visibly on a clone without the shared folder, failed in CI, as the crowd dataset tests do. */
export function reportMissingQualityData(what = 'the fineweb_legal classifier test'): void {
  if (haveQualityData) return;
  const title = `quality datasets missing at ${qualityDataDir}: ${what} is skipped`;
  if (process.env.CI) {
    it(title, () => {
      throw new Error(`CI requires the quality datasets at ${qualityDataDir} (or CURATE_QUALITY_DATA)`);
    });
  } else {
    console.warn(`${title} (set CURATE_QUALITY_DATA or clone the shared folder beside the repository)`);
    it.skip(title);
  }
}

export interface LegalPage {
  id: string;
  text: string;
  /** The majority of the LLM's 0-5 runs. */
  score: number;
}

/**
 * fineweb_legal's pages split by page id with a fixed seed: the sorted ids shuffled, the first `heldOutShare` held
 * out, so a page is on one side whatever the file order.
 */
export function finewebLegalSplit(heldOutShare = 0.2, seed = 7): { train: LegalPage[]; heldOut: LegalPage[] } {
  const file = path.join(qualityDataDir, 'fineweb_legal/documents.jsonl');
  const pages: LegalPage[] = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const row = JSON.parse(line);
      return { id: row.id, text: row.text, score: row.score_majority };
    });
  const ids = pages.map((p) => p.id).sort();
  const random = seededRandom(seed);
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [ids[i], ids[j]] = [ids[j], ids[i]];
  }
  const held = new Set(ids.slice(0, Math.round(ids.length * heldOutShare)));
  return { train: pages.filter((p) => !held.has(p.id)), heldOut: pages.filter((p) => held.has(p.id)) };
}

/** fineweb_legal (../shared/data/quality) as a learning-curve pool: pages with their web domain as the source. */
import fs from 'node:fs';
import path from 'node:path';
import { seededRandom } from '../../server/classifier/random.ts';
import type { PoolDocument } from '../../server/sampling/learning-curve.ts';

/** Where the shared quality data sits beside the repository, unless CURATE_QUALITY_DATA names a folder. */
export const qualityDataDir = path.resolve(process.env.CURATE_QUALITY_DATA ?? path.join(import.meta.dirname, '../../../shared/data/quality'));
export const finewebLegalFile = path.join(qualityDataDir, 'fineweb_legal/documents.jsonl');

/**
 * The pages, split by page id with a seed as the classifier's fineweb_legal test splits them (sorted ids shuffled,
 * the first `heldOutShare` held out): the pool to label from and the held-out pages every round is measured on.
 */
export function finewebLegalPool(heldOutShare = 0.2, seed = 7): { pool: PoolDocument[]; heldOut: PoolDocument[] } {
  const rows: { id: string; url: string; text: string; score_majority: number }[] = fs
    .readFileSync(finewebLegalFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
  const ids = rows.map((r) => r.id).sort();
  const random = seededRandom(seed);
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [ids[i], ids[j]] = [ids[j], ids[i]];
  }
  const held = new Set(ids.slice(0, Math.round(ids.length * heldOutShare)));
  const documents = rows.map((r, i) => ({ id: i + 1, text: r.text, stratum: new URL(r.url).hostname, label: String(r.score_majority), page: r.id }));
  const strip = ({ page: _page, ...d }: (typeof documents)[number]): PoolDocument => d;
  return { pool: documents.filter((d) => !held.has(d.page)).map(strip), heldOut: documents.filter((d) => held.has(d.page)).map(strip) };
}

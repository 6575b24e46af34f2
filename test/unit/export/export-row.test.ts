import { describe, expect, it } from 'vitest';
import { exportColumns, presentExportRow } from '../../../server/presenters/export-row.ts';
import type { ExportDbRow } from '../../../server/db/queries/export.ts';

const row: ExportDbRow = {
  item_id: 7,
  external_id: 'doc-7',
  text: 'Some text',
  meta: { url: 'https://example.org' },
  source: 'web',
  lang: null,
  token_estimate: 3,
  batch_id: 1,
  is_gold: false,
  label: { score: 4 },
  score: 4.2,
  low: 3.9,
  high: 4.5,
  confidence: 0.8,
  n_judgments: 3,
  method: 'ordinal-bias',
  split: 'train',
};

describe('presentExportRow', () => {
  it('fills exactly the chosen columns in order, ours winning over a task cell of the same name, absent cells null', () => {
    const columns = exportColumns({ includeText: false, includeJudgments: false, split: null }, [
      { name: 'accept_rate', type: 'number' },
      { name: 'constructor', type: 'string' },
      { name: 'source', type: 'string' },
    ]);
    const out = presentExportRow(row, undefined, { accept_rate: 0.5, source: 'from the task' }, columns);
    expect(Object.keys(out)).toEqual([...new Set(columns.map((c) => c.name))]);
    expect(out).not.toHaveProperty('text');
    expect(out).not.toHaveProperty('split');
    expect(out).toMatchObject({ id: 'doc-7', item_id: 7, source: 'web', lang: null, score_low: 3.9, accept_rate: 0.5, constructor: null });
  });

  it('carries text, split and raw judgments when asked for', () => {
    const columns = exportColumns({ includeText: true, includeJudgments: true, split: [0.8, 0.1, 0.1] }, []);
    const judgments = [{ annotator: 'a1b2c3', value: { score: 4 }, time_spent_ms: 1200, is_gold: false }];
    expect(presentExportRow(row, judgments, {}, columns)).toMatchObject({ text: 'Some text', split: 'train', judgments });
  });
});

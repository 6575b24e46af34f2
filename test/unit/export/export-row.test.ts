import { describe, expect, it } from 'vitest';
import { exportCells, exportColumns } from '../../../server/presenters/export-row.ts';
import { jsonlFormat } from '../../../server/export/jsonl-format.ts';
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

/** The row as an object keyed by column name, as a JSONL line of it reads back. */
const asObject = (columns: ReturnType<typeof exportColumns>, cells: unknown[]) => JSON.parse(jsonlFormat(columns)([cells]));

describe('exportCells', () => {
  it('fills exactly the chosen columns in order, ours winning over a task cell of the same name, absent cells null', () => {
    const columns = exportColumns({ includeText: false, includeJudgments: false, split: null }, [
      { name: 'accept_rate', type: 'number' },
      { name: 'constructor', type: 'string' },
      { name: 'source', type: 'string' },
    ]);
    const cells = exportCells(columns)(row, undefined, { accept_rate: 0.5, source: 'from the task' });
    expect(cells).toHaveLength(columns.length);
    const out = asObject(columns, cells);
    expect(Object.keys(out)).toEqual([...new Set(columns.map((c) => c.name))]);
    expect(out).not.toHaveProperty('text');
    expect(out).not.toHaveProperty('split');
    expect(out).toMatchObject({ id: 'doc-7', item_id: 7, source: 'web', lang: null, score_low: 3.9, accept_rate: 0.5, constructor: null });
  });

  it('carries text, split and raw judgments when asked for', () => {
    const columns = exportColumns({ includeText: true, includeJudgments: true, split: [0.8, 0.1, 0.1] }, []);
    const judgments = [{ annotator: 'a1b2c3', value: { score: 4 }, time_spent_ms: 1200, is_gold: false }];
    expect(asObject(columns, exportCells(columns)(row, judgments, {}))).toMatchObject({ text: 'Some text', split: 'train', judgments });
  });
});

describe('jsonlFormat', () => {
  it('writes each row as JSON.stringify writes the same row as an object, a repeated name in its first place', () => {
    const columns = [
      { name: 'id', type: 'string' },
      { name: 'we"ird\\name', type: 'string' },
      { name: 'n', type: 'number' },
      { name: 'id', type: 'string' },
      { name: 'meta', type: 'json' },
    ] as const;
    const rows = [
      ['a\n"b"\u2028', 'x', Number.NaN, 'a\n"b"\u2028', { nested: [1, null, 'é'] }],
      ['c', null, 1e21, 'c', null],
      ['emoji \u{1F600}, lone \ud800, \u007f and a tab\t', 'plain text', -0, 'x', { s: 'q"\\' }],
    ];
    const expected = rows.map((r) => JSON.stringify({ id: r[0], 'we"ird\\name': r[1], n: r[2], meta: r[4] }) + '\n').join('');
    expect(jsonlFormat([...columns])(rows)).toBe(expected);
  });
});

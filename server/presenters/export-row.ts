import type { ExportDbRow } from '../db/queries/export.ts';
import type { ExportColumn, ExportValue } from '../../tasks/task-type.ts';

/** A raw judgment as exported: the annotator under a stable pseudonym. */
export interface ExportedJudgment {
  annotator: string;
  value: unknown;
  time_spent_ms: number;
  is_gold: boolean;
}

/** The columns of an exported item, in order: ours, optional ones only when asked for, then the task type's. */
export function exportColumns(o: { includeText: boolean; includeJudgments: boolean; split: unknown }, taskColumns: ExportColumn[]): ExportColumn[] {
  return [
    { name: 'id', type: 'string' },
    { name: 'item_id', type: 'integer' },
    ...(o.includeText ? [{ name: 'text', type: 'string' } as const] : []),
    { name: 'source', type: 'string' },
    { name: 'lang', type: 'string' },
    { name: 'tokens', type: 'integer' },
    { name: 'meta', type: 'json' },
    { name: 'label', type: 'json' },
    { name: 'score', type: 'number' },
    { name: 'score_low', type: 'number' },
    { name: 'score_high', type: 'number' },
    { name: 'confidence', type: 'number' },
    { name: 'n_judgments', type: 'integer' },
    { name: 'method', type: 'string' },
    { name: 'is_gold', type: 'boolean' },
    ...(o.split ? [{ name: 'split', type: 'string' } as const] : []),
    ...(o.includeJudgments ? [{ name: 'judgments', type: 'json' } as const] : []),
    ...taskColumns,
  ];
}

/** Our cells by column name; they win over a task type's cell of the same name. */
const OUR_CELLS = new Map<string, (row: ExportDbRow, judgments: ExportedJudgment[] | undefined) => unknown>([
  ['id', (r) => r.external_id],
  ['item_id', (r) => Number(r.item_id)],
  ['text', (r) => r.text],
  ['source', (r) => r.source],
  ['lang', (r) => r.lang],
  ['tokens', (r) => r.token_estimate],
  ['meta', (r) => r.meta],
  ['label', (r) => r.label],
  ['score', (r) => r.score],
  ['score_low', (r) => r.low],
  ['score_high', (r) => r.high],
  ['confidence', (r) => Number(r.confidence)],
  ['n_judgments', (r) => Number(r.n_judgments)],
  ['method', (r) => r.method],
  ['is_gold', (r) => r.is_gold],
  ['split', (r) => r.split],
  ['judgments', (_, judgments) => judgments],
]);

/** One exported item's cells, in column order; see {@link exportCells}. */
export type ExportCells = (row: ExportDbRow, judgments: ExportedJudgment[] | undefined, taskCells: Record<string, ExportValue>) => unknown[];

/**
 * One exported item, as what the ML engineer takes away: its cells in column order (absent cells null), ours winning
 * over a task type's cell of the same name. Runs once per exported row, so each column's getter is picked once here
 * and a row is a plain array, not an object keyed by name.
 */
export function exportCells(columns: ExportColumn[]): ExportCells {
  const getters = columns.map(({ name }) => {
    const ours = OUR_CELLS.get(name);
    return (row: ExportDbRow, judgments: ExportedJudgment[] | undefined, taskCells: Record<string, ExportValue>): unknown =>
      (ours ? ours(row, judgments) : Object.hasOwn(taskCells, name) ? taskCells[name] : null) ?? null;
  });
  return (row, judgments, taskCells) => getters.map((get) => get(row, judgments, taskCells));
}

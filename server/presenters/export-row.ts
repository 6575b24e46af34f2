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
    { name: 'item_id', type: 'number' },
    ...(o.includeText ? [{ name: 'text', type: 'string' } as const] : []),
    { name: 'source', type: 'string' },
    { name: 'lang', type: 'string' },
    { name: 'tokens', type: 'number' },
    { name: 'meta', type: 'json' },
    { name: 'label', type: 'json' },
    { name: 'score', type: 'number' },
    { name: 'score_low', type: 'number' },
    { name: 'score_high', type: 'number' },
    { name: 'confidence', type: 'number' },
    { name: 'n_judgments', type: 'number' },
    { name: 'method', type: 'string' },
    { name: 'is_gold', type: 'boolean' },
    ...(o.split ? [{ name: 'split', type: 'string' } as const] : []),
    ...(o.includeJudgments ? [{ name: 'judgments', type: 'json' } as const] : []),
    ...taskColumns,
  ];
}

/** One exported item: what the ML engineer takes away. */
export function presentExportRow(
  row: ExportDbRow,
  judgments: ExportedJudgment[] | undefined,
  taskCells: Record<string, ExportValue>,
  columns: ExportColumn[],
): Record<string, unknown> {
  const full: Record<string, unknown> = {
    ...taskCells,
    id: row.external_id,
    item_id: Number(row.item_id),
    text: row.text,
    source: row.source,
    lang: row.lang,
    tokens: row.token_estimate,
    meta: row.meta,
    label: row.label,
    score: row.score,
    score_low: row.low,
    score_high: row.high,
    confidence: Number(row.confidence),
    n_judgments: Number(row.n_judgments),
    method: row.method,
    is_gold: row.is_gold,
    split: row.split,
    judgments,
  };
  return Object.fromEntries(columns.map((c) => [c.name, full[c.name] ?? null]));
}

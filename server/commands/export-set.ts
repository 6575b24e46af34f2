import { tryDocumentPayload } from './document-payload.ts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { createHmac, randomBytes } from 'node:crypto';
import type { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import type { Project } from '../db/schema.ts';
import { countExportRows, judgmentsForExport, streamExportRows, type ExportDbRow } from '../db/queries/export.ts';
import { getOrCreateSetting } from '../db/queries/server-settings.ts';
import { rowsOf } from '../db/store.ts';
import type { ExportOptions } from '../export/export-options.ts';
import { parquetStream } from '../export/parquet-stream.ts';
import { csvLines } from '../export/csv-format.ts';
import { writeTar } from '../export/tar-writer.ts';
import { datasetCard, type DatasetFacts } from '../export/dataset-card.ts';
import { exportCells, exportColumns, type ExportedJudgment } from '../presenters/export-row.ts';
import { jsonlFormat } from '../export/jsonl-format.ts';
import { projectTaskType } from '../../tasks/registry.ts';

export interface ExportSetProps {
  project: Project;
  options: ExportOptions;
  /** Where the file (or, for `hf`, a tar of the dataset layout) is written. */
  out: Writable;
  /**
   * The caller's name for this export: while it is written, the project's watchers hear `export:progress` under it
   * (rows written of the total so far, rows left out because the task type cannot show their document, and
   * judgments left out of the task type's columns because they do not fit the project's config as it is now).
   */
  exportId?: string;
  /** Agreement figures to state on the dataset card. */
  agreement?: DatasetFacts['agreement'];
}

/** Writes exported items (each its cells in column order), one page at a time. */
interface RowSink {
  write(rows: unknown[][], dbRows: ExportDbRow[]): Promise<void>;
  finish(facts: DatasetFacts): Promise<void>;
}

/**
 * Exports a project's labeled items as JSONL, CSV, Parquet or a Hugging Face dataset layout (tar of data/*.parquet
 * split files and a README.md dataset card). Rows stream from a database cursor, so memory stays bounded whatever
 * the size of the set; split assignment is seeded and stratified in SQL.
 */
export async function exportSet(ctx: AppContext, props: ExportSetProps) {
  const { db } = ctx.store;
  const o = props.options;
  const taskType = projectTaskType(props.project)!;
  const columns = exportColumns(o, taskType.exportColumns());
  const cellsOf = exportCells(columns);
  // Progress tells of a file in the making, not of committed work: it goes out as it comes.
  const progress = (written: number, total: number) => {
    const { exportId } = props;
    const { skipped, judgmentsNotFitting } = facts;
    if (exportId)
      ctx.events.publish({
        name: 'export:progress',
        payload: { projectId: props.project.id, exportId, written, total, skipped, judgmentsNotFitting },
        to: { projectId: props.project.id },
      });
  };
  const pseudonymKey = await getOrCreateSetting(db, 'pseudonym_key', () => randomBytes(32).toString('hex'));
  const pseudonym = (workerKey: string) => createHmac('sha256', pseudonymKey).update(workerKey).digest('hex').slice(0, 12);
  const facts: DatasetFacts = {
    projectName: props.project.name,
    taskType: props.project.taskType,
    rows: 0,
    splits: {},
    methods: {},
    labels: {},
    scores: {},
    gold: 0,
    skipped: 0,
    judgmentsNotFitting: 0,
    annotators: null,
    agreement: props.agreement ?? [],
    createdAt: new Date(),
  };
  const sink = await openSink(o, columns, props.out);
  // On PostgreSQL the count runs on a connection of its own while the rows stream (it is a pass over the whole set,
  // and waiting for it first cost a sixth of an export); PGlite has one connection, held by the transaction below.
  const concurrentTotal = ctx.store.kind === 'postgres' ? countExportRows(db, props.project.id, o) : undefined;
  concurrentTotal?.catch(() => undefined);
  await db.transaction(async (tx) => {
    const total = await (concurrentTotal ?? countExportRows(tx, props.project.id, o));
    const [annotators] = await rowsOf<{ n: number }>(
      tx,
      sql`select count(distinct worker_key)::int as n from judgments where project_id = ${props.project.id} and kind = 'label' and status = 'final'`,
    );
    facts.annotators = annotators.n;
    progress(0, total);
    for await (const fetched of streamExportRows(tx, props.project.id, o)) {
      const judgments = groupJudgments(
        await judgmentsForExport(
          tx,
          fetched.map((r) => Number(r.item_id)),
        ),
        fetched,
        pseudonym,
      );
      const page: ExportDbRow[] = [];
      const rows: unknown[][] = [];
      for (const r of fetched) {
        const own = judgments.get(Number(r.item_id)) ?? [];
        // A judgment stored under an earlier config that no longer fits stays out of the task type's cells (and is
        // counted); it is still written with the raw judgments.
        const fitting = own.filter((j) => taskType.fitsJudgment(j.value));
        // The payload is built (and validated) only for task types whose export columns read it.
        const item = {
          get payload() {
            const built = tryDocumentPayload(props.project, r);
            if ('problem' in built) throw new DocumentNotShown(built.problem);
            return built.payload;
          },
          judgments: fitting.map((j) => j.value),
        };
        let taskCells;
        try {
          taskCells = taskType.exportRow(item);
        } catch (error) {
          // A document the task type cannot show (issue 12, finding 4) leaves its row out instead of failing the file.
          if (!(error instanceof DocumentNotShown)) throw error;
          facts.skipped++;
          continue;
        }
        facts.judgmentsNotFitting += own.length - fitting.length;
        page.push(r);
        rows.push(cellsOf(r, o.includeJudgments ? own : undefined, taskCells));
      }
      for (const r of page) count(facts, r);
      await sink.write(rows, page);
      progress(facts.rows, total);
    }
  });
  await sink.finish(facts);
  return facts;
}

/** Thrown while building a row whose document the project's task type cannot show. */
class DocumentNotShown extends Error {}

function count(facts: DatasetFacts, r: ExportDbRow) {
  facts.rows++;
  facts.methods[r.method] = (facts.methods[r.method] ?? 0) + 1;
  if (r.split) facts.splits[r.split] = (facts.splits[r.split] ?? 0) + 1;
  if (r.is_gold) facts.gold++;
  if (r.label !== null && r.label !== undefined) {
    const key = typeof r.label === 'string' ? r.label : JSON.stringify(r.label);
    facts.labels[key] = (facts.labels[key] ?? 0) + 1;
  }
  if (r.score !== null) {
    const key = String(Math.round(Number(r.score)));
    facts.scores[key] = (facts.scores[key] ?? 0) + 1;
  }
}

function groupJudgments(
  rows: { item_id: number; worker_key: string; value: unknown; time_spent_ms: number }[],
  page: ExportDbRow[],
  pseudonym: (workerKey: string) => string,
) {
  const gold = new Map(page.map((r) => [Number(r.item_id), r.is_gold]));
  const byItem = new Map<number, ExportedJudgment[]>();
  for (const j of rows) {
    const list = byItem.get(Number(j.item_id)) ?? [];
    byItem.set(Number(j.item_id), list);
    list.push({ annotator: pseudonym(j.worker_key), value: j.value, time_spent_ms: j.time_spent_ms, is_gold: gold.get(Number(j.item_id)) ?? false });
  }
  return byItem;
}

async function write(out: Writable, text: string) {
  if (!out.write(text)) await once(out, 'drain');
}

async function openSink(o: ExportOptions, columns: ReturnType<typeof exportColumns>, out: Writable): Promise<RowSink> {
  switch (o.format) {
    case 'jsonl': {
      const lines = jsonlFormat(columns);
      return {
        write: async (rows) => write(out, lines(rows)),
        finish: async () => {},
      };
    }
    case 'csv': {
      await write(out, csvLines([columns.map((c) => c.name)]));
      return {
        write: async (rows) => write(out, csvLines(rows)),
        finish: async () => {},
      };
    }
    case 'parquet': {
      const parquet = parquetStream(out, columns);
      return { write: (rows) => parquet.writeCells(rows), finish: () => parquet.finish() };
    }
    case 'hf':
      return hfSink(columns, out);
  }
}

/**
 * Hugging Face layout: one Parquet file per split, written to a temporary directory laid out as the dataset is
 * (data/*.parquet and README.md), then sent as a tar of it.
 */
async function hfSink(columns: ReturnType<typeof exportColumns>, out: Writable): Promise<RowSink> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'curate-hf-'));
  await fs.promises.mkdir(path.join(dir, 'data'));
  const splits = new Map<string, { file: fs.WriteStream; parquet: ReturnType<typeof parquetStream>; name: string }>();
  const splitOf = (split: string) => {
    let s = splits.get(split);
    if (!s) {
      const name = `data/${split}-00000-of-00001.parquet`;
      const file = fs.createWriteStream(path.join(dir, name));
      s = { file, parquet: parquetStream(file, columns), name };
      splits.set(split, s);
    }
    return s;
  };
  return {
    async write(rows, dbRows) {
      const groups = new Map<string, unknown[][]>();
      rows.forEach((row, i) => {
        const name = dbRows[i].split ?? 'train';
        const group = groups.get(name) ?? [];
        groups.set(name, group);
        group.push(row);
      });
      for (const [name, group] of groups) await splitOf(name).parquet.writeCells(group);
    },
    async finish(facts) {
      try {
        for (const s of splits.values()) {
          await s.parquet.finish();
          await new Promise<void>((resolve, reject) => s.file.end((e?: Error | null) => (e ? reject(e) : resolve())));
        }
        await fs.promises.writeFile(path.join(dir, 'README.md'), datasetCard(facts));
        await writeTar(out, dir, ['README.md', ...[...splits.values()].map((s) => s.name)]);
      } finally {
        await fs.promises.rm(dir, { recursive: true, force: true });
      }
    },
  };
}

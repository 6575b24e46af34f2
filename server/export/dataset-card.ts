/** Facts gathered while exporting, for the dataset card. */
export interface DatasetFacts {
  projectName: string;
  taskType: string;
  rows: number;
  splits: Record<string, number>;
  methods: Record<string, number>;
  labels: Record<string, number>;
  /** Score histogram by rounded score. */
  scores: Record<string, number>;
  gold: number;
  /** Items left out: their document is one the project's task type cannot show (flagged 'broken' for staff). */
  skipped: number;
  /** Judgments stored under an earlier task config that do not fit the current one: left out of the task columns. */
  judgmentsNotFitting: number;
  annotators: number | null;
  agreement: { name: string; value: number | null }[];
  createdAt: Date;
}

const table = (rows: [string, string | number][]) => ['| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');

/** A Hugging Face dataset card (README.md with YAML front matter naming the split files). */
export function datasetCard(f: DatasetFacts): string {
  const splits = Object.keys(f.splits);
  const configs = splits.map((s) => `    - split: ${s}\n      path: data/${s}-00000-of-00001.parquet`).join('\n');
  const share = (n: number) => (f.rows ? `${((100 * n) / f.rows).toFixed(1)}%` : '0%');
  return `---
configs:
  - config_name: default
    data_files:
${configs}
task_categories:
  - text-classification
tags:
  - data-curation
  - quality-filtering
---

# ${f.projectName}: labeled quality set

Exported by Curate on ${f.createdAt.toISOString().slice(0, 10)} from a \`${f.taskType}\` project.
Each row is one document with its final label or score, the confidence of that result, the number of human
judgments behind it and the method that produced it (an adjudication by a reviewer wins over aggregation).

## Counts

${table([['rows', f.rows], ...splits.map((s): [string, number] => [`split: ${s}`, f.splits[s]]), ['gold items', `${f.gold} (${share(f.gold)})`], ['annotators', f.annotators ?? 'not recorded'], ...(f.skipped ? [['left out: document cannot be shown', f.skipped] as [string, number]] : []), ...(f.judgmentsNotFitting ? [['judgments not fitting the current config', f.judgmentsNotFitting] as [string, number]] : [])])}

## Methods

${table(Object.entries(f.methods))}

## Label distribution

${Object.keys(f.labels).length ? table(Object.entries(f.labels).map(([k, v]) => [k, `${v} (${share(v)})`])) : '_no categorical labels_'}

## Score distribution

${
  Object.keys(f.scores).length
    ? table(
        Object.entries(f.scores)
          .sort(([a], [b]) => Number(a) - Number(b))
          .map(([k, v]) => [k, `${v} (${share(v)})`]),
      )
    : '_no scores_'
}

## Agreement

${f.agreement.length ? table(f.agreement.map((a) => [a.name, a.value === null ? 'n/a' : a.value.toFixed(3)])) : '_not computed for this export_'}
`;
}

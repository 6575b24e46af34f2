/** `curate judges report`: the judges' calibration against the humans and a routing budget's figures, as a table. */
import type { ApiClient } from './api-client.ts';
import { CliError } from './command.ts';
import { parseCliArgs } from './parse-args.ts';
import type { JudgeReport } from '../../client/lib/types.ts';

export const reportUsage = `       npm run curate -- judges report --project NAME [--judge NAME] [--budget N] [--k 3] [--json]

report prints each judge against the human consensus on the documents both labelled (kappa, weighted kappa,
Krippendorff's alpha, Spearman, mean offset with its 95% interval, pairwise position bias), overall and by source,
and what a budget of N human judgments per 1,000 documents (k per routed document) saves and costs in agreement
with held-out human labels.`;

const fixed = (x: number | null | undefined, digits = 3) => (x === null || x === undefined ? '-' : x.toFixed(digits));

/** The report as tab-separated lines: a header, a line per judge and source, then the budget's figures. */
export function reportLines(report: JudgeReport): string[] {
  const lines = ['judge\tsource\tjudged\tshared\taccuracy\tkappa\tweighted_kappa\talpha\tspearman\toffset\toffset_95\tfirst_shown'];
  for (const j of report.judges) {
    for (const row of [{ ...j, source: 'all' }, ...j.bySource.map((s) => ({ ...s, source: s.source ?? '(none)' }))]) {
      const alpha = report.kind === 'categorical' ? row.alphaNominal : row.alphaOrdinal;
      const interval = row.offset ? `${row.offset.low.toFixed(2)}..${row.offset.high.toFixed(2)}` : '-';
      lines.push(
        [j.name, row.source, row.judged, row.shared, fixed(row.accuracy), fixed(row.cohenKappa), fixed(row.weightedKappa), fixed(alpha)]
          .concat([fixed(row.spearman), fixed(row.offset?.mean, 2), interval, fixed(row.positionBias?.firstPositionShare)])
          .join('\t'),
      );
    }
  }
  const b = report.budget;
  lines.push(
    `budget ${b.budgetPer1000} per 1,000 documents, k ${b.judgmentsPerItem}, on ${b.documents} held-out documents: ` +
      `${b.budgetedJudgments} of ${b.allHumanJudgments} human judgments (work saved ${b.workSaved === null ? '-' : `${Math.round(100 * b.workSaved)}%`}), ` +
      `${b.routed} routed; agreement ${fixed(b.agreement)} (judges alone ${fixed(b.judgesOnlyAgreement)})`,
  );
  return lines;
}

export async function report(
  argv: string[],
  projectOf: (name: string | undefined) => Promise<{ client: ApiClient; projectId: number }>,
  usage: string,
) {
  const { values } = parseCliArgs(argv, {
    project: { type: 'string' },
    judge: { type: 'string' },
    budget: { type: 'string' },
    k: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.help) return (console.log(usage), 0);
  const { client, projectId } = await projectOf(values.project);
  const params = new URLSearchParams();
  if (values.judge !== undefined) {
    const { judges } = await client.request<{ judges: { id: number; name: string }[] }>('GET', `/api/projects/${projectId}/judges`);
    const judge = judges.find((j) => j.name === values.judge || String(j.id) === values.judge);
    if (!judge) throw new CliError(`no judge "${values.judge}" in this project (judges list --project NAME)`);
    params.set('judgeId', String(judge.id));
  }
  if (values.budget !== undefined) params.set('budgetPer1000', values.budget);
  if (values.k !== undefined) params.set('k', values.k);
  const body = await client.request<JudgeReport>('GET', `/api/projects/${projectId}/judges/report${params.size ? `?${params}` : ''}`);
  if (values.json) return (console.log(JSON.stringify(body, null, 2)), 0);
  if (!body.judges.length) console.log('no judges (judges add --project NAME ...)');
  for (const line of reportLines(body)) console.log(line);
  return 0;
}

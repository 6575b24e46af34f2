import fs from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import type { CliCommand } from './command.ts';
import { CliError } from './command.ts';
import { parseCliArgs, required } from './parse-args.ts';
import { ApiClient } from './api-client.ts';
import { progressBar } from './progress-bar.ts';

const usage = `Usage: npm run curate -- import FILE --project NAME [options]

Imports a corpus file (JSONL, CSV or Parquet) into a project, all or nothing.

Options:
  --project NAME       project to import into (required)
  --text-field F       field holding the document text (default: text)
  --id-field F         field holding the document's external id (default: line number)
  --meta a,b,c         metadata fields to keep (default: all other fields)
  --format F           jsonl | csv | parquet (default: from the file extension; .json is read as JSONL)
  --max-errors N       bad records tolerated; they are skipped and reported (default: 0)

Environment: CURATE_URL (default http://localhost:3000), CURATE_TOKEN or CURATE_EMAIL + CURATE_PASSWORD.`;

interface ImportResult {
  status: string;
  message: string;
  errors: { line: number; message: string }[];
  errorsTruncated: boolean;
  rejected: number;
}

const command: CliCommand = {
  name: 'import',
  summary: 'import a JSONL / CSV / Parquet corpus file into a project',
  usage,
  async run(argv) {
    const { values, positionals } = parseCliArgs(
      argv,
      {
        project: { type: 'string' },
        'text-field': { type: 'string' },
        'id-field': { type: 'string' },
        meta: { type: 'string' },
        format: { type: 'string' },
        'max-errors': { type: 'string' },
      },
      1,
    );
    if (values.help) return (console.log(usage), 0);
    const file = required(positionals[0], 'FILE');
    const projectName = required(values.project, '--project');
    let size: number;
    try {
      size = fs.statSync(file).size;
    } catch {
      throw new CliError(`cannot read ${file}`, 2);
    }
    const client = await ApiClient.fromEnv();
    const project = await client.projectByName(projectName);
    const query = new URLSearchParams({ filename: path.basename(file) });
    if (values['text-field']) query.set('textField', values['text-field']);
    if (values['id-field']) query.set('idField', values['id-field']);
    if (values.meta) query.set('meta', values.meta);
    if (values.format) query.set('format', values.format);
    if (values['max-errors']) query.set('maxErrors', values['max-errors']);

    // The server reads the upload as it arrives, so bytes sent track bytes imported.
    const bar = progressBar(`importing ${path.basename(file)}`, size);
    let sent = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        sent += chunk.length;
        bar.update(sent, `${(sent / 1e6).toFixed(1)} / ${(size / 1e6).toFixed(1)} MB`);
        done(null, chunk);
      },
    });
    const body = Readable.toWeb(fs.createReadStream(file).pipe(counter)) as ReadableStream;
    const result = await client.request<{ import: ImportResult }>('POST', `/api/projects/${project.id}/imports?${query}`, {
      body,
      contentType: 'application/octet-stream',
      allowStatus: [422],
    });
    bar.done();
    const summary = result.import;
    // Parquet reports problems with the file as a whole at row 0.
    for (const e of summary.errors.slice(0, 20)) console.error(`  ${e.line > 0 ? `line ${e.line}` : 'file'}: ${e.message}`);
    if (summary.rejected > 20) console.error(`  … and ${summary.rejected - 20} more bad record(s)`);
    console.log(summary.message);
    return summary.status === 'succeeded' ? 0 : 1;
  },
};
export default command;

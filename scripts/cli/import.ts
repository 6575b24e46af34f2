import fs from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import type { CliCommand } from './command.ts';
import { CliError } from './command.ts';
import { parseCliArgs, required } from './parse-args.ts';
import { ApiClient } from './api-client.ts';
import { progressBar } from './progress-bar.ts';
import type { ImportPreview } from '../../server/commands/preview-import.ts';

const usage = `Usage: npm run curate -- import FILE --project NAME [options]

Imports a corpus file (JSONL, a JSON array, CSV or Parquet; JSONL, JSON and CSV may be gzip-compressed, as
.jsonl.gz and the like) into a project, all or nothing. The first records are checked against the mapping before
the file is sent: when none of them gives a document, nothing is sent.

Options:
  --project NAME       project to import into (required)
  --text-field F       field holding the document text (default: text); a dotted path reaches a nested field
  --id-field F         field holding the document's external id (default: line number)
  --meta a,b.c         metadata fields to keep, dotted paths kept at their nesting (default: all other fields)
  --format F           jsonl | json | csv | parquet (default: from the file extension, looking through .gz)
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
  summary: 'import a JSONL / JSON / CSV / Parquet corpus file (or .gz) into a project',
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
    await checkMapping(client, project.id, file, size, query);

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

/** How much of the file the mapping is checked on: enough for a few records of most corpora, far below the preview's cap. */
const HEAD_BYTES = 256 * 1024;

/**
 * Asks the server how the first records of the file import under these options (the same preview the upload form
 * shows), and stops before sending the file when none of them gives a document under the mapping: a wrong text field
 * or format would otherwise be found only after the whole upload.
 */
async function checkMapping(client: ApiClient, projectId: number, file: string, size: number, options: URLSearchParams): Promise<void> {
  const partial = size > HEAD_BYTES;
  // Parquet's schema sits at the end of the file: a large one is checked by the import itself.
  if (partial && (options.get('format') === 'parquet' || /\.(parquet|pq)$/i.test(file))) return;
  const handle = await fs.promises.open(file);
  let head: Buffer;
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(Math.min(size, HEAD_BYTES)), 0, Math.min(size, HEAD_BYTES), 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  const query = new URLSearchParams(options);
  query.set('partial', String(partial));
  const { preview } = await client.request<{ preview: ImportPreview }>('POST', `/api/projects/${projectId}/imports/preview?${query}`, {
    body: head,
    contentType: 'application/octet-stream',
  });
  // No records at all (an empty file), or a file whose structure breaks, is the import's to report by line.
  if (!preview.records.length || preview.records.some((r) => 'document' in r || ('fatal' in r && r.fatal))) return;
  const problems = preview.records.slice(0, 3).map((r) => `${r.line > 0 ? `line ${r.line}` : 'file'}: ${'error' in r ? r.error : ''}`);
  const fields = preview.fields.length ? `; fields in them: ${preview.fields.join(', ')}` : '';
  throw new CliError(
    `nothing sent: none of the first ${preview.records.length} record(s) of ${path.basename(file)} (read as ${preview.format}) gives a document (${problems.join('; ')})${fields}. Check --text-field, --meta and --format.`,
  );
}

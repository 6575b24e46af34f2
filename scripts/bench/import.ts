/**
 * npm run bench:import [-- --docs N]
 * Imports N (default 200,000) generated ~1 KB documents as JSONL through the real HTTP import path into PostgreSQL,
 * then loads the same rows with COPY in the same run, and prints docs/s for both, their ratio and the server
 * process's peak RSS. Targets: at least half of COPY's rate; server peak RSS under 300 MB.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import readline from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { createUser } from '../../server/commands/manage-users.ts';
import { createProject } from '../../server/commands/manage-projects.ts';
import { createApiToken } from '../../server/commands/api-tokens.ts';
import { DomainEvents } from '../../server/events.ts';
import { csvLines } from '../../server/export/csv-format.ts';
import { runBenchmark, seededRandom, startServerProcess } from './bench-db.ts';

const { values } = parseArgs({ options: { docs: { type: 'string', default: '200000' } } });
const N = Number(values.docs);
const words =
  'the of and to in is that for it as was with be by on not he this are or his from at which but have an they you were her she there one all we their'.split(
    ' ',
  );
const sources = ['wiki', 'forum', 'news', 'code', 'books', 'shop'];

async function generate(file: string) {
  const rand = seededRandom(1);
  const out = fs.createWriteStream(file);
  for (let i = 0; i < N; i++) {
    let text = '';
    while (text.length < 1000) text += words[Math.floor(rand() * words.length)] + (rand() < 0.1 ? '. ' : ' ');
    const line =
      JSON.stringify({ id: `doc-${i}`, text: `${i} ${text}`, source: sources[i % sources.length], url: `https://example.org/${i}`, lang: 'en' }) +
      '\n';
    if (!out.write(line)) await once(out, 'drain');
  }
  await new Promise((r) => out.end(r));
}

runBenchmark(async ({ url: benchUrl, store }) => {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'curate-bench-'));
  const file = path.join(dir, 'docs.jsonl');
  await generate(file);
  const size = fs.statSync(file).size;
  try {
    const ctx = { store, events: new DomainEvents() };
    const admin = await createUser(ctx, { actorId: null, email: 'bench@local', name: 'bench', password: 'benchbench', role: 'admin' });
    const project = await createProject(ctx, {
      actorId: admin.id,
      name: 'bench',
      description: '',
      taskType: 'quality-rating',
      config: {},
      fieldMapping: {},
      trainingMode: false,
    });
    const { secret } = await createApiToken(ctx, { userId: admin.id, name: 'bench' });
    const server = await startServerProcess(benchUrl);
    const url = server.url;
    const rssBefore = server.peakRssMb();

    const t0 = performance.now();
    const res = await fetch(`${url}/api/projects/${project.id}/imports?filename=docs.jsonl&idField=id`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/octet-stream' },
      body: Readable.toWeb(fs.createReadStream(file)) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    const summary = (await res.json()) as { import: { imported: number; message: string } };
    const ours = (performance.now() - t0) / 1000;
    const rssOurs = server.peakRssMb();
    await server.stop();

    // Baseline: the same rows (hash computed beforehand, as COPY cannot) loaded by COPY into the same table.
    const csvFile = path.join(dir, 'docs.csv');
    const csvOut = fs.createWriteStream(csvFile);
    for await (const line of readline.createInterface({ input: fs.createReadStream(file) })) {
      if (!line) continue;
      const r = JSON.parse(line);
      const row = csvLines([
        [
          project.id,
          `copy-${r.id}`,
          createHash('sha256')
            .update('copy' + r.text)
            .digest('hex'),
          r.text,
          JSON.stringify({ source: r.source, url: r.url, lang: r.lang }),
          r.source,
          r.url,
          r.lang,
          Math.ceil(r.text.length / 4),
        ],
      ]);
      if (!csvOut.write(row)) await once(csvOut, 'drain');
    }
    await new Promise((r) => csvOut.end(r));
    const client = new pg.Client({ connectionString: benchUrl });
    await client.connect();
    const t1 = performance.now();
    await pipeline(
      fs.createReadStream(csvFile),
      client.query(
        copyFrom('copy documents (project_id, external_id, content_hash, text, meta, source, url, lang, token_estimate) from stdin (format csv)'),
      ),
    );
    const copy = (performance.now() - t1) / 1000;
    await client.end();

    const oursRate = summary.import.imported / ours;
    const copyRate = N / copy;
    console.log(`documents: ${N} (${(size / 1e6).toFixed(0)} MB JSONL)`);
    console.log(
      `curate import (HTTP → parse → validate → hash → unnest insert, one transaction): ${ours.toFixed(2)} s, ${oursRate.toFixed(0)} docs/s  [${summary.import.message}]`,
    );
    console.log(`PostgreSQL COPY (pre-hashed CSV):                                    ${copy.toFixed(2)} s, ${copyRate.toFixed(0)} docs/s`);
    console.log(`ratio curate/COPY: ${(oursRate / copyRate).toFixed(2)}   (target >= 0.50: ${oursRate / copyRate >= 0.5 ? 'met' : 'NOT met'})`);
    console.log(
      `server peak RSS: ${rssOurs.toFixed(0)} MB during the import (${rssBefore.toFixed(0)} MB when idle; target < 300 MB: ${rssOurs < 300 ? 'met' : 'NOT met'})`,
    );
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
});

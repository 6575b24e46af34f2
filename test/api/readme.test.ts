import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Every ```sh / ```bash block of README.md, run verbatim, in README order, as a new user would on a fresh install:
 * a copy of this checkout (top-level entries symlinked, its own empty ./data), the embedded store, nothing of this
 * test process's environment but PATH and HOME. Whatever a block exports or changes holds for the blocks after it,
 * as in one terminal; a command that serves until stopped runs in the background, as in a terminal of its own.
 * A block or command that is not run as written is listed below with the reason, so a new block runs by default.
 */

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sharedData = path.resolve(repo, '../shared/data/crowd');

/** Commands that serve until stopped: started in the background, ready once they print `ready`. */
const longRunning = [
  { role: 'server', match: /(^|\s)npm start(\s|$)/, ready: /Admin login: /, why: 'the server, serving until stopped' },
  { role: 'emulator', match: /\bnpm run mturk:emulator\b/, ready: /MTurk emulator listening/, why: 'the MTurk emulator, serving until stopped' },
  {
    role: 'prolific-emulator',
    match: /\bnpm run prolific:emulator\b/,
    ready: /Prolific emulator listening/,
    why: 'the Prolific emulator, serving until stopped',
  },
  {
    role: 'openai-emulator',
    match: /\bnpm run openai:emulator\b/,
    ready: /OpenAI emulator listening/,
    why: 'the OpenAI emulator, serving until stopped',
  },
];

/** Commands run in another form or not at all (matched on the command without its trailing comment). */
const notAsWritten: { command: string; runAs: string | null; why: string }[] = [
  { command: 'npm install && npm start', runAs: 'npm start', why: "npm install: the copy uses this checkout's installed node_modules" },
  { command: 'npm test', runAs: null, why: 'the suite this test is part of' },
];

/** Blocks not run here, by the heading they sit under. */
const blocksNotRun: { heading: string; unless: () => boolean; why: string }[] = [
  {
    heading: 'Accuracy on public crowd datasets',
    unless: () => fs.existsSync(sharedData),
    why: 'needs the sibling ../shared crowd datasets, absent here',
  },
];

/** What the README leaves to the reader, and what the test gives in its place. */
const placeholders: { text: string; value: () => string; why: string }[] = [
  { text: 'CURATE_PASSWORD=…', value: () => `CURATE_PASSWORD=${printedPassword}`, why: 'the README says: as printed by npm start' },
];

/** Files the README's examples name as the reader's own, written into the copy before the blocks run. */
const readersFiles: Record<string, string> = {
  'crawl.jsonl': [
    {
      id: 'cc-1',
      text: 'Photosynthesis turns light, water and carbon dioxide into sugar and oxygen.',
      url: 'https://example.org/a',
      source: 'cc',
      lang: 'en',
    },
    { id: 'cc-2', text: 'Best price pills, click here, best price, click here now.', url: 'https://example.org/b', source: 'cc', lang: 'en' },
    {
      id: 'wiki-1',
      text: 'The Danube flows through ten countries before it reaches the Black Sea.',
      url: 'https://example.org/c',
      source: 'wiki',
      lang: 'en',
    },
  ]
    .map((r) => JSON.stringify(r))
    .join('\n'),
  'answers.csv': 'item,worker,label\ni1,w1,yes\ni1,w2,yes\ni1,w3,no\ni2,w1,no\ni2,w2,no\ni2,w3,no\n',
  'gold.csv': 'item,truth\ni1,yes\ni2,no\n',
};

/** The README's fixed ports, each replaced by a free one so the test never meets another process's. */
const fixedPorts = [9431, 9432];

interface Block {
  heading: string;
  commands: string[];
}

/** The shell blocks of a Markdown text, each as its commands (continued lines kept together, comment lines dropped). */
function shellBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  let heading = '';
  let block: string[] | null = null;
  for (const line of markdown.split('\n')) {
    if (block === null) {
      heading = /^#{1,6}\s+(.*)$/.exec(line)?.[1].trim() ?? heading;
      if (/^```(sh|bash)\s*$/.test(line)) block = [];
    } else if (/^```\s*$/.test(line)) {
      blocks.push({ heading, commands: commandsOf(block) });
      block = null;
    } else block.push(line);
  }
  return blocks;
}

function commandsOf(lines: string[]): string[] {
  const commands: string[] = [];
  let pending = '';
  for (const line of lines) {
    if (!pending && (line.trim() === '' || line.trim().startsWith('#'))) continue;
    pending += (pending ? '\n' : '') + line;
    if (line.endsWith('\\')) continue;
    commands.push(pending);
    pending = '';
  }
  if (pending) commands.push(pending);
  return commands;
}

/** A command as matched against the tables: one line, its trailing comment dropped. */
const bare = (command: string) =>
  command
    .replace(/\\\n\s*/g, ' ')
    .replace(/\s+#\s.*$/, '')
    .trim();

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let root = '';
let checkout = '';
let envFile = '';
let env: Record<string, string> = {};
let printedPassword = '';
const portFor = new Map<number, number>();
const background = new Map<string, { child: ChildProcess; output: () => string }>();
const used = new Set<unknown>();

/** Top-level entries a fresh clone has (what git tracks) plus what `npm install` and the build add. */
function checkoutEntries(): string[] {
  let tracked: string[];
  try {
    tracked = execFileSync('git', ['ls-files'], { cwd: repo, encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((f) => f.split('/')[0]);
  } catch {
    tracked = fs.readdirSync(repo).filter((name) => name !== 'data' && name !== '.git');
  }
  return [...new Set([...tracked, 'node_modules', 'dist'])].filter((name) => fs.existsSync(path.join(repo, name)));
}

/** The command as run: placeholders filled in, fixed ports swapped for free ones. */
function prepared(command: string): string {
  let text = command;
  for (const p of placeholders) {
    if (!text.includes(p.text)) continue;
    used.add(p);
    text = text.replaceAll(p.text, p.value());
  }
  for (const [fixed, free] of portFor) text = text.replace(new RegExp(`\\b${fixed}\\b`, 'g'), String(free));
  return text;
}

const cwd = () => (env.PWD && fs.existsSync(env.PWD) ? env.PWD : checkout);

/** Runs one command in bash in the current environment; keeps what it exported (and where it cd'd) for the next. */
function runForeground(command: string): Promise<{ code: number | null; output: string }> {
  const script = `${command}\n__status=$?\nenv -0 > ${JSON.stringify(envFile)}\nexit $__status\n`;
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], { cwd: cwd(), env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    // Bounded: a command that never ends fails the test instead of hanging it.
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (fs.existsSync(envFile)) {
        env = Object.fromEntries(
          fs
            .readFileSync(envFile, 'utf8')
            .split('\0')
            .filter(Boolean)
            .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
        );
        fs.rmSync(envFile);
      }
      resolve({ code, output });
    });
  });
}

/** Starts a long-running command in its own process group; resolves once it prints its ready line. */
async function runBackground(role: string, command: string, ready: RegExp) {
  // A new one replaces the running one, as a user stops a server before starting it with other settings.
  await stop(role);
  const child = spawn('bash', ['-c', command], { cwd: cwd(), env, detached: true });
  let output = '';
  background.set(role, { child, output: () => output });
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (ready.test(output)) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${command}\nexited with ${code} before it was ready:\n${output}`)));
    setTimeout(() => reject(new Error(`${command}\nnot ready after 240 s:\n${output}`)), 240_000);
  });
  const password = /Admin login: \S+ \/ (\S+)\s+\(generated/.exec(output)?.[1];
  if (password) printedPassword = password;
}

/** The end of what the background commands printed, for a failure's message: a server that failed says why there. */
const backgroundOutput = () => [...background].map(([role, { output }]) => `\n--- ${role}:\n${output().slice(-2000)}`).join('');

/** Stops a background command and everything it started, and waits until all of them are gone. */
async function stop(role: string) {
  const running = background.get(role);
  if (!running) return;
  background.delete(role);
  const group = -running.child.pid!;
  const alive = () => {
    try {
      process.kill(group, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (alive()) process.kill(group, 'SIGTERM');
  for (let waited = 0; alive(); waited += 100) {
    if (waited === 30_000) process.kill(group, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Runs a block's commands in order; a `--batch N` after `batches create` must name the batch it created. */
async function runBlock(block: Block) {
  let createdBatch: string | undefined;
  for (const command of block.commands) {
    const listed = notAsWritten.find((c) => c.command === bare(command));
    if (listed) used.add(listed);
    const text = prepared(listed ? (listed.runAs ?? '') : command);
    if (!text) continue;
    const serving = longRunning.find((l) => l.match.test(bare(text)));
    if (serving) {
      await runBackground(serving.role, text, serving.ready);
      continue;
    }
    const batch = /--batch (\d+)/.exec(text)?.[1];
    if (batch && createdBatch)
      expect(batch, `${bare(command)}\nnames batch ${batch}, not the batch ${createdBatch} created above`).toBe(createdBatch);
    const { code, output } = await runForeground(text);
    expect(code, `${bare(command)}\n${output}${backgroundOutput()}`).toBe(0);
    createdBatch = /^created batch (\d+)/m.exec(output)?.[1] ?? createdBatch;
  }
}

const readme = fs.readFileSync(path.join(repo, 'README.md'), 'utf8');
const blocks = shellBlocks(readme);

// The README's fresh install is the embedded store, which the run without DATABASE_URL covers; the servers here never
// use DATABASE_URL, so the run with it would only repeat that.
describe.skipIf(process.env.DATABASE_URL)('README command blocks on a fresh install (embedded store)', () => {
  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'curate-readme-'));
    checkout = path.join(root, 'main');
    envFile = path.join(root, 'env');
    fs.mkdirSync(checkout);
    for (const name of checkoutEntries()) fs.symlinkSync(path.join(repo, name), path.join(checkout, name));
    if (fs.existsSync(sharedData)) fs.symlinkSync(path.resolve(repo, '../shared'), path.join(root, 'shared'));
    for (const [name, text] of Object.entries(readersFiles)) fs.writeFileSync(path.join(checkout, name), text);
    for (const port of fixedPorts) portFor.set(port, await freePort());
    const port = await freePort();
    env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? os.homedir(),
      // A free port in place of the default 3000, and the CLI pointed at it as the README says to.
      PORT: String(port),
      CURATE_URL: `http://localhost:${port}`,
      // npm start's prestart is `npm run build`; the copy serves this checkout's built client instead.
      npm_config_ignore_scripts: 'true',
      npm_config_update_notifier: 'false',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
  });

  afterAll(async () => {
    for (const role of [...background.keys()]) await stop(role);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('finds the blocks, and every exception listed here still names one', () => {
    expect(blocks.length).toBeGreaterThan(0);
    const headings = new Set(blocks.map((b) => b.heading));
    for (const entry of blocksNotRun) expect(headings, entry.why).toContain(entry.heading);
    const commands = new Set(blocks.flatMap((b) => b.commands.map(bare)));
    for (const entry of notAsWritten) expect(commands, entry.why).toContain(entry.command);
  });

  for (const [n, block] of blocks.entries()) {
    const skipped = blocksNotRun.find((b) => b.heading === block.heading && !b.unless());
    const title = `block ${n + 1} under "${block.heading}"${skipped ? ` (not run: ${skipped.why})` : ''}`;
    it.skipIf(skipped)(
      title,
      async () => {
        await runBlock(block);
      },
      600_000,
    );
  }

  it('filled in every placeholder it lists', () => {
    for (const p of placeholders) expect(used, `${p.text}: ${p.why}`).toContain(p);
  });
});

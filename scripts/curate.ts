/**
 * `npm run curate -- COMMAND [args]`: the admin CLI. Commands other than `aggregate` are clients of the server's
 * API (CURATE_URL, CURATE_TOKEN or CURATE_EMAIL/CURATE_PASSWORD); `aggregate` runs offline on CSV files.
 */
import type { CliCommand } from './cli/command.ts';
import { CliError, runCli } from './cli/command.ts';

const crowd = () => import('./cli/mturk.ts');
const commands: Record<string, () => Promise<{ default: CliCommand }>> = {
  import: () => import('./cli/import.ts'),
  projects: () => import('./cli/projects.ts'),
  users: () => import('./cli/users.ts'),
  members: () => import('./cli/members.ts'),
  batches: () => import('./cli/batches.ts'),
  crowd,
  // The name it had when MTurk was the only channel, kept so scripts written for it still run.
  mturk: crowd,
  export: () => import('./cli/export.ts'),
  aggregate: () => import('./cli/aggregate.ts'),
  classifier: () => import('./cli/classifier.ts'),
  judges: () => import('./cli/judges.ts'),
};

async function main(argv: string[]): Promise<number> {
  // npm runs scripts from the package folder and names where it was started in INIT_CWD: the files a user names
  // (import files, --out, --answers, --gold) are theirs, relative to where they typed the command.
  process.chdir(process.env.INIT_CWD ?? process.cwd());
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log('Usage: npm run curate -- COMMAND [options]   (COMMAND --help for details)\n\nCommands:');
    for (const load of new Set(Object.values(commands))) {
      const { default: c } = await load();
      console.log(`  ${c.name.padEnd(12)} ${c.summary}`);
    }
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) throw new CliError(`unknown command "${name}" (npm run curate -- --help lists them)`, 2);
  const { default: command } = await load();
  return runCli(command, rest);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(`curate: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(error instanceof CliError ? error.exitCode : 1);
  },
);

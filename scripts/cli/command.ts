/** One CLI command: `npm run curate -- NAME [args]`. */
export interface CliCommand {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Full usage text for `--help`. */
  usage: string;
  /** Runs with the arguments after the command name; resolves to the exit code. */
  run(argv: string[]): Promise<number>;
}

/** An error meant for the CLI user: printed as one line, exit code 2 for usage and 1 otherwise. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/**
 * Runs a command as `npm run curate -- NAME ...` does: any error prints as one line on stderr, a usage error with
 * where to find the command's help, and becomes the exit code (2 for usage, 1 otherwise).
 */
export async function runCli(command: CliCommand, argv: string[]): Promise<number> {
  try {
    return await command.run(argv);
  } catch (error) {
    const usage = error instanceof CliError && error.exitCode === 2;
    const hint = usage ? ` (npm run curate -- ${command.name} --help)` : '';
    console.error(`curate: ${error instanceof Error ? error.message : String(error)}${hint}`);
    return error instanceof CliError ? error.exitCode : 1;
  }
}

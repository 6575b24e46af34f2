import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './command.ts';

/**
 * node:util parseArgs with `--help`/`-h` on every command and strict about unknown options. `positionals` says how
 * many arguments that are not options (an action, a file) the command takes, or `true` for any number: a second
 * file where one is read would otherwise be silently ignored. Errors become one-line usage errors (exit 2) naming
 * the option or argument.
 */
export function parseCliArgs<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, positionals: number | boolean = 0) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { help: { type: 'boolean', short: 'h' }, ...options },
      allowPositionals: positionals !== 0 && positionals !== false,
      strict: true,
    });
  } catch (error) {
    throw new CliError(usageMessage(error as Error & { code?: string }), 2);
  }
  const extra = typeof positionals === 'number' ? parsed.positionals[positionals] : undefined;
  if (extra !== undefined) throw new CliError(`unexpected argument "${extra}"`, 2);
  return parsed;
}

/** node's parseArgs messages, shortened to what the user typed wrong. */
function usageMessage(error: Error & { code?: string }): string {
  const option = /^Unknown option '([^']+)'/.exec(error.message)?.[1];
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `unknown option ${option}`;
  const positional = /^Unexpected argument '([^']+)'/.exec(error.message)?.[1];
  if (error.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL' && positional) return `unexpected argument "${positional}"`;
  return error.message;
}

/** A required option's value, or a usage error naming it. */
export function required<V>(value: V | undefined, flag: string): V {
  if (value === undefined || value === '') throw new CliError(`missing ${flag}`, 2);
  return value;
}

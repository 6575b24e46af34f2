import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './command.ts';

/** node:util parseArgs, with unknown options and missing values turned into one-line usage errors (exit 2). */
export function parseCliArgs<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' }, ...options }, allowPositionals, strict: true });
  } catch (error) {
    throw new CliError((error as Error).message, 2);
  }
}

/** A required option's value, or a usage error naming it. */
export function required<V>(value: V | undefined, flag: string): V {
  if (value === undefined || value === '') throw new CliError(`missing ${flag}`, 2);
  return value;
}

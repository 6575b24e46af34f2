import { moneyToCents } from '../../../server/crowd/money.ts';
import { requestError } from './protocol.ts';

type Input = Record<string, unknown>;

/** Required (or optional) string member; the SDK does no client-side validation, so the emulator must. */
export function str(input: Input, name: string, required: true): string;
export function str(input: Input, name: string, required?: false): string | undefined;
export function str(input: Input, name: string, required = false): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) {
    if (required) throw requestError('InvalidParameterValue', `Value null at '${name}' failed to satisfy constraint: Member must not be null`);
    return undefined;
  }
  if (typeof value !== 'string') throw requestError('InvalidParameterValue', `The value for parameter ${name} must be a string.`);
  return value;
}

/** Integer member within [min, max]. */
export function int(input: Input, name: string, min: number, max: number, fallback?: number): number {
  const value = input[name] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw requestError(
      'InvalidParameterValue',
      `The value "${String(value)}" is not valid for the parameter ${name}. It must be an integer between ${min} and ${max}.`,
    );
  }
  return value;
}

/** CurrencyAmount member ("0.05") to cents. */
export function money(input: Input, name: string): number {
  const value = str(input, name, true);
  try {
    return moneyToCents(value);
  } catch {
    throw requestError('InvalidParameterValue', `The value "${value}" is not valid for the parameter ${name}.`);
  }
}

const EXTERNAL_QUESTION_NS = 'http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/2006-07-14/ExternalQuestion.xsd';

/**
 * Validates an ExternalQuestion and returns its decoded URL.
 * Real MTurk demands https; http://127.0.0.1 and http://localhost are allowed here so local tests need no TLS.
 */
export function parseExternalQuestion(question: string): string {
  const match =
    /^\s*(?:<\?xml[^?]*\?>\s*)?<ExternalQuestion\s+xmlns="([^"]*)"\s*>\s*<ExternalURL>([^<]*)<\/ExternalURL>\s*<FrameHeight>(\d+)<\/FrameHeight>\s*<\/ExternalQuestion>\s*$/.exec(
      question,
    );
  if (!match) throw requestError('InvalidParameterValue', 'The value of the Question parameter is not a valid ExternalQuestion document.');
  if (match[1] !== EXTERNAL_QUESTION_NS) throw requestError('InvalidParameterValue', `Unsupported ExternalQuestion namespace "${match[1]}".`);
  const raw = match[2]!.trim();
  if (/&(?!amp;|lt;|gt;|quot;|apos;)/.test(raw))
    throw requestError('InvalidParameterValue', 'The ExternalURL is not well-formed XML: unescaped "&".');
  const url = raw
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw requestError('InvalidParameterValue', `The value "${url}" is not valid for the parameter ExternalURL.`);
  }
  const local = parsed.protocol === 'http:' && (parsed.hostname === '127.0.0.1' || parsed.hostname === 'localhost');
  if (parsed.protocol !== 'https:' && !local) {
    throw requestError(
      'InvalidParameterValue',
      `The value "${url}" is not valid for the parameter ExternalURL. This URL must use the HTTPS protocol.`,
    );
  }
  return url;
}

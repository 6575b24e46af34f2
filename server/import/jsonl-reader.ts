import type { RecordReader } from './source-record.ts';
import { splitLines } from './split-lines.ts';

/** JSON Lines: one object per line; blank lines are ignored. */
export const readJsonl: RecordReader = async function* (input) {
  for await (const { line, bytes, valid, consumed } of splitLines(input)) {
    if (!valid) {
      yield { line, error: 'invalid UTF-8', bytes: consumed };
      continue;
    }
    const text = bytes.toString('utf8');
    if (!text.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      yield { line, error: `malformed JSON: ${(error as Error).message}`, bytes: consumed };
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      yield { line, error: 'expected a JSON object', bytes: consumed };
      continue;
    }
    yield { line, record: value as Record<string, unknown>, bytes: consumed };
  }
};

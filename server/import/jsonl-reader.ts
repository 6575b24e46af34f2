import type { RecordReader } from './source-record.ts';
import { tooLarge } from './source-record.ts';
import { splitLines } from './split-lines.ts';

/** JSON Lines: one object per line; blank lines are ignored, and a line over the limit is skipped unread. */
export const readJsonl: RecordReader = async function* (input, { maxRecordBytes }) {
  for await (const { line, bytes, valid, oversize, consumed } of splitLines(input, { maxLineBytes: maxRecordBytes })) {
    if (oversize) {
      yield { line, error: tooLarge(maxRecordBytes), bytes: consumed };
      continue;
    }
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
      yield { line, error: `malformed JSON: ${(error as Error).message}${arrayHint(line, text)}`, bytes: consumed };
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      yield { line, error: `expected a JSON object${arrayHint(line, text)}`, bytes: consumed };
      continue;
    }
    yield { line, record: value as Record<string, unknown>, bytes: consumed };
  }
};

/** A JSON array sent as JSON Lines is the likeliest mistake; say how it is read instead. */
function arrayHint(line: number, text: string): string {
  return line === 1 && text.trimStart().startsWith('[')
    ? ' (a JSON array is read as format json, which a .json name picks; JSON Lines hold one object per line)'
    : '';
}
